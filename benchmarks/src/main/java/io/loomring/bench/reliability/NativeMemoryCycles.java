package io.loomring.bench.reliability;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Native memory over cycles of many connections, with no GC in between: each cycle opens
 * {@code connections} connections on ordinary virtual threads, exchanges a request and a response
 * through heap arrays on each (so every socket takes its read and write buffers), closes them all,
 * and prints what Native Memory Tracking counts as "Other" (where FFM arenas' allocations land),
 * the process's resident memory (which counts {@code malloc}, which NMT does not see) and the GC
 * count. Run with NMT on and a heap large enough that no GC runs, touched at start so that its
 * pages do not show up as growth:
 *
 * <pre>java -XX:NativeMemoryTracking=summary -Xms3g -Xmn2500m -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED \
 *     -cp benchmarks.jar io.loomring.bench.reliability.NativeMemoryCycles [backend] [cycles] [connections]</pre>
 */
public final class NativeMemoryCycles {
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private NativeMemoryCycles() {}

    public static void main(String[] args) throws Exception {
        Backend backend = Backend.parse(args.length > 0 ? args[0] : "io_uring");
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
             TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     4096, false, io)) {
            System.out.printf("%s, %d cycles of %d connections:%n", backend, cycles, connections);
            long first = -1;
            long firstRss = -1;
            for (int cycle = 0; cycle <= cycles; cycle++) {
                if (cycle > 0) {
                    cycle(io, server, connections);
                }
                long other = otherCommittedKb();
                long rss = residentKb();
                if (cycle == 1) {
                    first = other;
                    firstRss = rss;
                    nmt("baseline");
                }
                System.out.printf("cycle %2d: NMT Other %d KB, resident %d KB, GCs so far %d%n", cycle, other, rss,
                        gcCount());
                if (cycle == cycles) {
                    System.out.printf("growth from cycle 1 to %d: NMT Other %d KB, resident %d KB, with %d GCs%n",
                            cycles, other - first, rss - firstRss, gcCount());
                    System.out.println("NMT since cycle 1, the categories that changed:");
                    nmt("summary.diff").lines().filter(l -> l.startsWith("-") && l.contains("committed=")
                            && l.matches(".*committed=\\d+KB [+-]\\d+KB.*")).forEach(System.out::println);
                }
            }
        }
    }

    private static void cycle(IoScheduler io, TcpServerSocket server, int connections) throws Exception {
        CountDownLatch served = new CountDownLatch(connections);
        Thread acceptor = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < connections; i++) {
                try {
                    TcpSocket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            byte[] b = new byte[64];
                            s.read(b, 0, b.length);
                            s.write(b, 0, 16);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        } finally {
                            served.countDown();
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                try (TcpSocket s = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(30), io)) {
                    s.write(new byte[16], 0, 16);
                    byte[] b = new byte[64];
                    s.read(b, 0, b.length);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        served.await();
        acceptor.join();
    }

    private static String nmt(String what) throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {what}}, new String[] {String[].class.getName()});
    }

    private static long otherCommittedKb() throws Exception {
        String summary = nmt("summary");
        Matcher m = OTHER.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("no 'Other' line in the NMT summary (run with"
                    + " -XX:NativeMemoryTracking=summary):\n" + summary);
        }
        return Long.parseLong(m.group(2));
    }

    private static long residentKb() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }
}
