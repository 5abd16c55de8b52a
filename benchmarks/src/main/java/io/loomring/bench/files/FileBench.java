package io.loomring.bench.files;

import io.loomring.IoScheduler;
import io.loomring.bench.load.LatencyHistogram;
import io.loomring.files.LoomringFileSystemProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One measurement of file I/O on virtual threads, in a JVM of its own: a stack (the JDK's
 * {@code FileChannel} on ordinary virtual threads, or Loomring's on carried or ordinary virtual
 * threads) and a workload:
 * <ul>
 *   <li>{@code random}: N threads read 4 KiB at random aligned offsets of a large file
 *       ({@code direct=true}: O_DIRECT; {@code cold=true}: the file is evicted from the page cache
 *       every 20 ms, so buffered reads keep going to the disk);</li>
 *   <li>{@code append}: N threads each append a 512-byte record to one file, then
 *       {@code force(false)}, again and again (a write-ahead log).</li>
 * </ul>
 * Prints one tab-separated line: stack, workload, ops, seconds, ops/s, p50 and p99 in µs, CPU µs
 * per op (the whole process), and the most platform threads alive at once (the JDK adds carriers
 * to compensate for blocked virtual threads; Loomring adds none).
 *
 * <p>Arguments: {@code stack=jdk|carried|virtual workload=random|append file=PATH threads=N
 * seconds=S direct=true|false cold=true|false}.
 */
public final class FileBench {
    private static final int READ_SIZE = 4096;
    private static final int RECORD = 512;

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        IoScheduler scheduler = a.stack.equals("jdk") ? null : IoScheduler.builder().build();
        LoomringFileSystemProvider provider = scheduler == null ? null
                : new LoomringFileSystemProvider(FileSystems.getDefault().provider(), scheduler);
        ThreadFactory threads = a.stack.equals("carried") ? scheduler.threadFactory() : Thread.ofVirtual().factory();
        boolean append = a.workload.equals("append");
        Set<OpenOption> options = new HashSet<>();
        if (append) {
            options.addAll(List.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } else {
            options.add(StandardOpenOption.READ);
        }
        if (a.direct) {
            options.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        FileChannel channel = provider == null ? FileChannel.open(a.file, options) : provider.newFileChannel(a.file, options);
        long size = channel.size();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        List<LatencyHistogram> histograms = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        PeakThreads peak = new PeakThreads();
        for (int i = 0; i < a.threads; i++) {
            LatencyHistogram h = new LatencyHistogram();
            histograms.add(h);
            Runnable body = append ? () -> appends(channel, stop, h, failures) : () -> reads(channel, size, stop, h, failures);
            workers.add(threads.newThread(body));
        }
        Thread evictor = a.cold ? Thread.ofPlatform().daemon().start(() -> evict(a.file, stop)) : null;
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        workers.forEach(Thread::start);
        peak.sampleUntil(t0 + a.seconds * 1_000_000_000L);
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        if (evictor != null) {
            evictor.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = cpuNanos() - cpu0;
        LatencyHistogram all = new LatencyHistogram();
        histograms.forEach(all::add);
        channel.close();
        if (scheduler != null) {
            scheduler.close();
        }
        if (failures.get() > 0) {
            System.err.println("FileBench: " + failures.get() + " operations failed");
            System.exit(1);
        }
        long ops = all.total();
        System.out.printf("%s\t%s%s\t%d\t%.1f\t%.0f\t%d\t%d\t%.1f\t%d%n", a.stack, a.workload, a.direct ? "-direct" : "",
                ops, seconds, ops / seconds, all.quantile(0.5), all.quantile(0.99), cpu / 1e3 / Math.max(1, ops),
                peak.max());
    }

    private static void reads(FileChannel ch, long size, AtomicBoolean stop, LatencyHistogram h, AtomicInteger failures) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_SIZE * 2).alignedSlice(READ_SIZE).limit(READ_SIZE);
        long blocks = size / READ_SIZE;
        while (!stop.get()) {
            long position = ThreadLocalRandom.current().nextLong(blocks) * READ_SIZE;
            buffer.clear().limit(READ_SIZE);
            long t = System.nanoTime();
            try {
                if (ch.read(buffer, position) != READ_SIZE) {
                    failures.incrementAndGet();
                }
            } catch (IOException e) {
                failures.incrementAndGet();
                e.printStackTrace();
                return;
            }
            h.record((System.nanoTime() - t) / 1000);
        }
    }

    private static void appends(FileChannel ch, AtomicBoolean stop, LatencyHistogram h, AtomicInteger failures) {
        ByteBuffer record = ByteBuffer.allocateDirect(RECORD);
        while (!stop.get()) {
            record.clear();
            long t = System.nanoTime();
            try {
                while (record.hasRemaining()) {
                    ch.write(record);
                }
                ch.force(false);
            } catch (IOException e) {
                failures.incrementAndGet();
                e.printStackTrace();
                return;
            }
            h.record((System.nanoTime() - t) / 1000);
        }
    }

    /**
     * Keeps the file out of the page cache ({@code posix_fadvise(DONTNEED)} every 20 ms), so that
     * buffered reads keep missing it: without this a 2 GiB file is soon all in memory, and the stack
     * that reads faster at first fills the cache sooner and then only reads memory.
     */
    private static void evict(Path file, AtomicBoolean stop) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
            java.lang.invoke.MethodHandle open = linker.downcallHandle(linker.defaultLookup().findOrThrow("open"),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                            java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_INT),
                    java.lang.foreign.Linker.Option.firstVariadicArg(2));
            java.lang.invoke.MethodHandle fadvise = linker.downcallHandle(
                    linker.defaultLookup().findOrThrow("posix_fadvise"),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                            java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG,
                            java.lang.foreign.ValueLayout.JAVA_LONG, java.lang.foreign.ValueLayout.JAVA_INT));
            int fd = (int) open.invokeExact(arena.allocateFrom(file.toString()), 0);
            while (!stop.get()) {
                int r = (int) fadvise.invokeExact(fd, 0L, 0L, 4); // POSIX_FADV_DONTNEED
                if (r != 0) {
                    throw new IllegalStateException("posix_fadvise: " + r);
                }
                Thread.sleep(20);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Samples the live platform threads every 10 ms: the JDK's compensation shows as growth. */
    private static final class PeakThreads {
        private int max;

        void sampleUntil(long deadline) throws InterruptedException {
            while (System.nanoTime() < deadline) {
                max = Math.max(max, ManagementFactory.getThreadMXBean().getThreadCount());
                Thread.sleep(10);
            }
        }

        int max() {
            return max;
        }
    }

    private record Args(String stack, String workload, Path file, int threads, int seconds, boolean direct,
                        boolean cold) {
        static Args parse(String[] args) {
            String stack = "jdk", workload = "random", file = null;
            int threads = 256, seconds = 10;
            boolean direct = false, cold = false;
            for (String arg : args) {
                String[] kv = arg.split("=", 2);
                switch (kv[0]) {
                    case "stack" -> stack = kv[1];
                    case "workload" -> workload = kv[1];
                    case "file" -> file = kv[1];
                    case "threads" -> threads = Integer.parseInt(kv[1]);
                    case "seconds" -> seconds = Integer.parseInt(kv[1]);
                    case "direct" -> direct = Boolean.parseBoolean(kv[1]);
                    case "cold" -> cold = Boolean.parseBoolean(kv[1]);
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (!Set.of("jdk", "carried", "virtual").contains(stack) || !Set.of("random", "append").contains(workload)
                    || file == null) {
                throw new IllegalArgumentException("usage: stack=jdk|carried|virtual workload=random|append file=PATH"
                        + " [threads=N] [seconds=S] [direct=true|false] [cold=true|false]");
            }
            return new Args(stack, workload, Path.of(file), threads, seconds, direct, cold);
        }
    }
}
