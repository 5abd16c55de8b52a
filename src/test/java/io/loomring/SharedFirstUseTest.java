package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The first use of {@code shared()} from 64 virtual threads at once, as a server's first burst of
 * connections makes it: every caller gets the scheduler and it serves their awaits, at any size of
 * the JDK's scheduler. The callers that wait for the class initialization pin their platform
 * threads, so the initialization must not wait for any virtual thread (a sub-poller) to run. In a
 * child JVM, since the shared scheduler is per process; a child that hangs is dumped and failed.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SharedFirstUseTest {
    private static final int CALLERS = 64;
    private static final long CHILD_SECONDS = 60;

    /**
     * The child: 64 virtual threads call {@code shared()} at once, then each awaits its own pipe;
     * with the argument {@code runCarried}, each does so inside {@code shared().runCarried(...)}
     * (the way a launched application's first servers start), on a carried thread.
     */
    public static void main(String[] args) throws Exception {
        boolean runCarried = args.length > 0 && args[0].equals("runCarried");
        CountDownLatch ready = new CountDownLatch(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger served = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                ready.countDown();
                try {
                    go.await();
                    IoScheduler io = IoScheduler.shared();
                    if (runCarried) {
                        boolean carried = io.runCarried("first-use", () -> {
                            awaitOwnPipe(io);
                            return io.carriesCurrentThread();
                        });
                        if (!carried) { // the child runs with --add-opens java.base/java.lang
                            throw new AssertionError("runCarried ran the task on a thread that is not carried");
                        }
                    } else {
                        awaitOwnPipe(io);
                    }
                    served.incrementAndGet();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        ready.await();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        failures.forEach(Throwable::printStackTrace);
        System.out.println("served " + served.get() + " of " + CALLERS + " with "
                + IoScheduler.shared().subPollers() + " sub-pollers on " + IoScheduler.shared().backend());
    }

    private static void awaitOwnPipe(IoScheduler io) throws IOException {
        try (Pipe pipe = Pipe.open()) {
            Thread.ofVirtual().start(() -> write(pipe));
            if (!io.awaitReadable(pipe.readFd(), Duration.ofSeconds(20))) {
                throw new AssertionError("pipe not readable within 20 s");
            }
        }
    }

    private static void write(Pipe pipe) {
        try {
            pipe.write(ByteBuffer.wrap(new byte[] {1}));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}, parallelism {1}, {2}")
    @CsvSource({"io_uring, 1, await", "io_uring, 2, await", "io_uring, 16, await", "epoll, 1, await",
            "epoll, 2, await", "epoll, 16, await",
            "io_uring, 1, runCarried", "io_uring, 16, runCarried", "epoll, 2, runCarried"})
    void sixtyFourVirtualThreadsStartTheSharedSchedulerAtOnce(String backend, int parallelism, String mode)
            throws Exception {
        TestBackends.assumeAvailable(Backend.parse(backend));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Files.createTempFile("shared-first-use", ".log");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Djdk.virtualThreadScheduler.parallelism=" + parallelism,
                "-Dloomring.backend=" + backend, "-cp", classpath, SharedFirstUseTest.class.getName(), mode)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
                String dump = threadDump(java, child.pid());
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("the child hung for " + CHILD_SECONDS + " s; its output:\n" + Files.readString(log)
                        + "\nits threads:\n" + dump);
            }
            String out = Files.readString(log);
            assertEquals(0, child.exitValue(), out);
            String expected = "served " + CALLERS + " of " + CALLERS + " with ";
            assertTrue(out.contains(expected), () -> "expected <" + expected + "> in:\n" + out);
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    /** The hung child's threads, virtual ones included, as jcmd prints them. */
    private static String threadDump(String java, long pid) {
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        try {
            Path dump = Files.createTempDirectory("shared-first-use").resolve("threads.txt");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.dump_to_file", "-format=text",
                    dump.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return Files.exists(dump) ? Files.readString(dump) : out;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }
}
