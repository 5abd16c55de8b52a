package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Virtual threads carried by the scheduler's own carriers ({@link IoScheduler#threadFactory()}):
 * they are real virtual threads, run on the carrier platform threads, await without hand-offs,
 * and still do everything a virtual thread does. Both backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CarrierTest {

    static IoScheduler open(Backend backend, int carriers) {
        TestBackends.assumeAvailable(backend);
        return IoScheduler.builder().backend(backend).carriers(carriers).build();
    }

    static <T> CompletableFuture<T> start(ThreadFactory factory, OnThread.Body<T> body) {
        return OnThread.start(factory, body);
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return OnThread.get(f);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void threadsAreVirtualAndRunOnTheCarriers(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, 2)) {
            assertTrue(io.carriesThreads(), io.carrierReason());
            assertEquals(2, io.carriers());
            Thread t = io.threadFactory("worker-").newThread(() -> { });
            assertTrue(t.isVirtual());
            assertEquals("worker-0", t.getName());
            String carrier = get(start(io.threadFactory(), () -> {
                // A virtual thread's stack shows its carrier's frames only while mounted; the
                // carrier's name shows up in the thread's toString ("...@carrier").
                return Thread.currentThread().toString();
            }));
            assertTrue(carrier.contains("loomring-" + backend.name().toLowerCase() + "-poller-"),
                    "carried by a Loomring carrier: " + carrier);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void pingPongOnOneCarrierNeedsNoWakeupSignal(Backend backend) throws Exception {
        int rounds = 2000;
        try (IoScheduler io = open(backend, 1); Fds.Pipe a = Fds.Pipe.open(); Fds.Pipe b = Fds.Pipe.open()) {
            long wakeupsBefore = io.stats().wakeupSignals();
            CompletableFuture<Integer> ponger = start(io.threadFactory(), () -> {
                for (int i = 0; i < rounds; i++) {
                    while (Fds.read(a.readEnd(), 8) < 0) {
                        io.awaitReadable(a.readEnd());
                    }
                    Fds.write(b.writeEnd(), 8);
                }
                return rounds;
            });
            CompletableFuture<Integer> pinger = start(io.threadFactory(), () -> {
                for (int i = 0; i < rounds; i++) {
                    Fds.write(a.writeEnd(), 8);
                    while (Fds.read(b.readEnd(), 8) < 0) {
                        io.awaitReadable(b.readEnd());
                    }
                }
                return rounds;
            });
            assertEquals(rounds, get(pinger));
            assertEquals(rounds, get(ponger));
            // Every await and every wakeup stayed on the carrier: no eventfd signal per await (the
            // two thread starts from this test thread may signal).
            long wakeups = io.stats().wakeupSignals() - wakeupsBefore;
            assertTrue(wakeups <= 4, "wakeup signals for " + 2 * rounds + " carried awaits: " + wakeups);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void newThreadsGoToTheLeastLoadedCarrier(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            ThreadFactory factory = io.threadFactory();
            for (int i = 0; i < 6; i++) {
                Thread t = factory.newThread(() -> awaitQuietly(release));
                t.start();
                threads.add(t);
            }
            assertArrayEquals(new int[] {3, 3}, io.carriedThreadsPerCarrier());
            // Skew: the threads on one carrier end; new threads fill that carrier first.
            release.countDown();
            for (Thread t : threads) {
                t.join();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.carriedThreadsPerCarrier()[0] == 0
                    && io.carriedThreadsPerCarrier()[1] == 0);
            CountDownLatch second = new CountDownLatch(1);
            Thread keep = factory.newThread(() -> awaitQuietly(second));
            keep.start();
            List<Thread> more = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Thread t = factory.newThread(() -> awaitQuietly(second));
                t.start();
                more.add(t);
            }
            int[] live = io.carriedThreadsPerCarrier();
            assertEquals(4, live[0] + live[1]);
            assertTrue(Math.abs(live[0] - live[1]) == 0, "balanced: " + live[0] + "/" + live[1]);
            second.countDown();
            keep.join();
            for (Thread t : more) {
                t.join();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void sleepsTimeoutsAndLocksWorkAcrossCarriersAndPlatformThreads(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, 2); Fds.Pipe p = Fds.Pipe.open()) {
            ReentrantLock lock = new ReentrantLock();
            Condition signalled = lock.newCondition();
            boolean[] flag = new boolean[1];
            Object monitor = new Object();
            AtomicInteger inMonitor = new AtomicInteger();
            CompletableFuture<String> carried = start(io.threadFactory(), () -> {
                long t0 = System.nanoTime();
                Thread.sleep(20);
                assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(20));
                assertFalse(io.awaitReadable(p.readEnd(), Duration.ofMillis(30)), "times out: nothing written");
                LockSupport.parkNanos(1_000_000);
                lock.lock();
                try {
                    while (!flag[0]) {
                        signalled.await();
                    }
                } finally {
                    lock.unlock();
                }
                synchronized (monitor) {
                    inMonitor.incrementAndGet();
                    monitor.wait(5);
                }
                return "done";
            });
            Thread.sleep(50);
            lock.lock(); // a platform thread signals the carried one
            try {
                flag[0] = true;
                signalled.signalAll();
            } finally {
                lock.unlock();
            }
            assertEquals("done", get(carried));
            assertEquals(1, inMonitor.get());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void carriedAndForeignAwaitsOnTheSameFdsBothComplete(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, 2)) {
            int n = 200;
            List<Fds.Pipe> pipes = new ArrayList<>();
            List<CompletableFuture<Boolean>> waits = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Fds.Pipe p = Fds.Pipe.open();
                    pipes.add(p);
                    ThreadFactory factory = i % 2 == 0 ? io.threadFactory() : Thread.ofVirtual().factory();
                    waits.add(start(factory, () -> {
                        io.awaitReadable(p.readEnd());
                        return true;
                    }));
                }
                // Platform threads await too.
                CompletableFuture<Boolean> platform = start(Thread.ofPlatform().factory(), () -> {
                    io.awaitReadable(pipes.get(0).readEnd());
                    return true;
                });
                for (Fds.Pipe p : pipes) {
                    Fds.write(p.writeEnd(), 1);
                }
                for (CompletableFuture<Boolean> w : waits) {
                    assertTrue(get(w));
                }
                assertTrue(get(platform));
            } finally {
                pipes.forEach(Fds.Pipe::close);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void interruptAndCancelReachACarriedAwait(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, 2); Fds.Pipe p = Fds.Pipe.open(); Fds.Pipe q = Fds.Pipe.open()) {
            AtomicInteger started = new AtomicInteger();
            Thread[] self = new Thread[1];
            CompletableFuture<Boolean> interrupted = start(io.threadFactory(), () -> {
                self[0] = Thread.currentThread();
                started.incrementAndGet();
                io.awaitReadable(p.readEnd());
                return false;
            });
            CompletableFuture<Boolean> cancelled = start(io.threadFactory(), () -> {
                started.incrementAndGet();
                io.awaitReadable(q.readEnd());
                return false;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 2 && io.stats().armed() == 2);
            self[0].interrupt();
            InterruptedIOException ie = assertThrows(InterruptedIOException.class, () -> get(interrupted));
            assertTrue(ie.getMessage().contains("interrupted"), ie.getMessage());
            io.cancel(q.readEnd());
            assertThrows(java.nio.channels.AsynchronousCloseException.class, () -> get(cancelled));
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void carriedThreadsUseTheJdksOwnBlockingSockets(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, 2);
             ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> echo = start(io.threadFactory(), () -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    int total = 0;
                    byte[] buf = new byte[4096];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        total += n;
                    }
                    return total;
                }
            });
            CompletableFuture<Integer> client = start(io.threadFactory(), () -> {
                try (Socket s = new Socket(server.getInetAddress(), server.getLocalPort())) {
                    byte[] data = new byte[100_000];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (byte) i;
                    }
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            s.getOutputStream().write(data);
                            s.shutdownOutput();
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    byte[] back = s.getInputStream().readAllBytes();
                    writer.join();
                    assertArrayEquals(data, back);
                    return back.length;
                }
            });
            assertEquals(100_000, get(client));
            assertEquals(100_000, get(echo));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void closeFailsCarriedAwaitsRefusesNewThreadsAndEndsTheCarriers(Backend backend) throws Exception {
        long carriersBefore = carrierThreads(backend);
        IoScheduler io = open(backend, 2);
        try (Fds.Pipe p = Fds.Pipe.open()) {
            ThreadFactory factory = io.threadFactory();
            List<CompletableFuture<String>> waits = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                waits.add(start(factory, () -> {
                    try {
                        io.awaitReadable(p.readEnd());
                        return "ready?";
                    } catch (IOException e) {
                        // The thread lives on after its carrier ended: it can still sleep and finish.
                        Thread.sleep(1);
                        return e.getMessage();
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 10);
            io.close();
            for (CompletableFuture<String> w : waits) {
                assertEquals("Loomring scheduler is closed", get(w));
            }
            RejectedExecutionException refused = assertThrows(RejectedExecutionException.class,
                    () -> factory.newThread(() -> { }));
            assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
            await().atMost(Duration.ofSeconds(10)).until(() -> carrierThreads(backend) == carriersBefore);
        }
    }

    /** Live carrier threads of {@code backend} in this JVM (the shared scheduler's among them, if started). */
    private static long carrierThreads(Backend backend) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("loomring-" + backend.name().toLowerCase() + "-poller-"))
                .filter(Thread::isAlive)
                .count();
    }

    @Test
    void withoutOpenedJavaLangTheFactoryMakesOrdinaryVirtualThreadsAndSaysWhy() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), RefusedAccessMain.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("carriesThreads=false"), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
        assertTrue(out.contains("virtual=true awaited=true"), out);
    }

    /** Runs in a JVM without {@code --add-opens}: the factory still makes working virtual threads. */
    public static final class RefusedAccessMain {
        public static void main(String[] args) throws Exception {
            try (IoScheduler io = IoScheduler.builder().carriers(1).build(); Fds.Pipe p = Fds.Pipe.open()) {
                System.out.println("carriesThreads=" + io.carriesThreads() + " reason=" + io.carrierReason());
                CompletableFuture<Boolean> f = start(io.threadFactory(), () -> {
                    io.awaitReadable(p.readEnd());
                    return Thread.currentThread().isVirtual();
                });
                Fds.write(p.writeEnd(), 1);
                System.out.println("virtual=" + f.get(30, TimeUnit.SECONDS) + " awaited=true");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aHundredSchedulerLivesWithCarriedThreadsLeaveNothingBehind(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        long fds = Fds.openFdCount();
        for (int life = 0; life < 100; life++) {
            try (IoScheduler io = open(backend, 2); Fds.Pipe p = Fds.Pipe.open()) {
                CompletableFuture<Boolean> f = start(io.threadFactory(), () -> {
                    io.awaitReadable(p.readEnd());
                    return true;
                });
                Fds.write(p.writeEnd(), 1);
                assertTrue(get(f));
            }
        }
        assertEquals(fds, Fds.openFdCount(), "fds left behind");
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> (t.getName().equals("loomring-stall-monitor")
                        || t.getName().equals("loomring-carrier-balancer")) && t.isAlive()));
    }

    @Test
    void aFailedCarriedAwaitStillThrowsTheDocumentedException() throws Exception {
        try (IoScheduler io = open(Backend.AUTO, 1)) {
            int fd = Fds.eventfd(0);
            Fds.close(fd);
            CompletableFuture<Boolean> f = start(io.threadFactory(), () -> {
                io.awaitReadable(fd);
                return true;
            });
            Exception e = assertThrows(Exception.class, () -> get(f));
            assertInstanceOf(IOException.class, e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aCarrierBlockedByItsThreadIsLoggedWithTheThreadsStack(Backend backend) throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.loomring");
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        log.addHandler(handler);
        int[] blocking = Fds.blockingPipe();
        try (IoScheduler io = open(backend, 1)) {
            // A read(2) on a blocking pipe, straight through FFM: the carrier's platform thread
            // itself blocks, as with any call that bypasses the virtual-thread machinery.
            CompletableFuture<Long> stuck = start(io.threadFactory("stuck-"), () -> Fds.read(blocking[0], 1));
            await().atMost(Duration.ofSeconds(15)).until(() -> warnings.stream()
                    .anyMatch(w -> w.contains("has not come back to its loop") && w.contains("stuck-0")
                            && w.contains("Fds.read")));
            Fds.write(blocking[1], 1);
            assertEquals(1L, get(stuck));
        } finally {
            log.removeHandler(handler);
            Fds.close(blocking);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
