package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.poller.VirtualThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sub-pollers: awaits from ordinary virtual threads go to virtual threads on the JDK's scheduler
 * that reap without blocking and park on a carrier when idle; platform threads' awaits stay on the
 * carriers. On real pipes, both backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubPollerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void ordinaryVirtualThreadsAwaitOnSubPollersPlatformThreadsOnCarriers(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).subPollers(1).build();
             Pipe virtualPipe = Pipe.open(); Pipe platformPipe = Pipe.open()) {
            assertEquals(1, io.subPollers());
            CompletableFuture<Void> virtual = awaitReadable(io, virtualPipe, Thread.ofVirtual().factory());
            await().atMost(WAIT).until(() -> io.subPollerAwaitsArmed() == 1 && io.stats().armed() == 1);
            CompletableFuture<Void> platform = awaitReadable(io, platformPipe, Thread.ofPlatform().factory());
            await().atMost(WAIT).until(() -> io.stats().armed() == 2);
            assertEquals(1, io.subPollerAwaitsArmed(), "the platform thread's await is on the carrier");
            assertFalse(virtual.isDone() || platform.isDone());
            platformPipe.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            platform.get(10, TimeUnit.SECONDS);
            virtualPipe.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            virtual.get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> io.stats().armed() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void withoutSubPollersOrdinaryVirtualThreadsAwaitOnTheCarriers(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).subPollers(0).build();
             Pipe pipe = Pipe.open()) {
            assertEquals(0, io.subPollers());
            CompletableFuture<Void> virtual = awaitReadable(io, pipe, Thread.ofVirtual().factory());
            await().atMost(WAIT).until(() -> io.stats().armed() == 1);
            assertEquals(0, io.subPollerAwaitsArmed());
            pipe.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            virtual.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Each round lets the sub-poller go idle and park on its master first; the next await must
     * still be armed (the request wakes it through its eventfd, its kernel fd and the master) and
     * its readiness delivered (the ready fd wakes it the same way).
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void anIdleSubPollerParksOnItsMasterAndWakesForEachNewAwait(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).subPollers(1).build();
             Pipe pipe = Pipe.open()) {
            for (int round = 0; round < 30; round++) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> io.subPollersParked() == 1);
                CompletableFuture<Void> virtual = awaitReadable(io, pipe, Thread.ofVirtual().factory());
                await().atMost(WAIT).until(() -> io.subPollerAwaitsArmed() == 1);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> io.subPollersParked() == 1);
                assertFalse(virtual.isDone());
                pipe.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
                virtual.get(10, TimeUnit.SECONDS);
                assertEquals(1, pipe.read(java.nio.ByteBuffer.allocate(8)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aPingPongOfOrdinaryVirtualThreadsRunsThroughTheSubPollers(Backend backend) throws Exception {
        pingPong(IoScheduler.builder().backend(backend), backend);
    }

    /** The same with the sub-pollers' rings interrupting submitters for their task work (the kernel's default). */
    @Test
    void aPingPongRunsWithInterruptingTaskWorkToo() throws Exception {
        pingPong(IoScheduler.builder().backend(Backend.IO_URING).cooperativeTaskRun(false), Backend.IO_URING);
    }

    private static void pingPong(IoScheduler.Builder builder, Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        int roundTrips = 5_000;
        try (IoScheduler io = builder.carriers(1).subPollers(2).build();
             Pipe ping = Pipe.open(); Pipe pong = Pipe.open()) {
            java.util.concurrent.atomic.AtomicLong awaits = new java.util.concurrent.atomic.AtomicLong();
            Thread echo = Thread.ofVirtual().start(() -> bounce(io, ping, pong, roundTrips, false, awaits));
            Thread serve = Thread.ofVirtual().start(() -> bounce(io, pong, ping, roundTrips, true, awaits));
            echo.join(60_000);
            serve.join(60_000);
            assertFalse(echo.isAlive() || serve.isAlive(), "the ping-pong finished: " + io.stats());
            // A read that finds its byte there awaits nothing; each await that did park was woken by
            // a completion the sub-pollers reaped (their own wakeups come on top).
            assertTrue(io.subPollerCompletions() >= awaits.get(),
                    () -> awaits.get() + " awaits, " + io.subPollerCompletions() + " sub-poller completions");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void closingTheSchedulerEndsParkedAwaitsAndItsSubPollersLeavingNoFd(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        long before = Fds.openFdCount();
        for (int life = 0; life < 20; life++) {
            IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).subPollers(2).build();
            try (Pipe pipe = Pipe.open()) {
                CompletableFuture<Void> virtual = awaitReadable(io, pipe, Thread.ofVirtual().factory());
                await().atMost(WAIT).until(() -> io.subPollerAwaitsArmed() == 1);
                io.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> virtual.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof IOException && e.getCause().getMessage().contains("closed"),
                        () -> "closed: " + e.getCause());
                assertTrue(io.isClosed());
                IOException later = assertThrows(IOException.class, () -> onVirtual(() -> io.awaitReadable(pipe.readFd())));
                assertTrue(later.getMessage().contains("closed"), later.getMessage());
            }
        }
        await().atMost(WAIT).until(() -> Fds.openFdCount() == before);
    }

    @Test
    void aSubPollerThreadBuiltByACarriedThreadStaysOnTheJdkScheduler() throws Exception {
        try (IoScheduler io = IoScheduler.builder().carriers(1).build()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            CompletableFuture<Boolean> onJdkPool = new CompletableFuture<>();
            io.threadFactory().newThread(() -> {
                Thread sub = VirtualThreads.unstartedOnDefaultScheduler("sub",
                        () -> onJdkPool.complete(VirtualThreads.currentCarrier() instanceof ForkJoinWorkerThread));
                sub.start();
            }).start();
            assertTrue(onJdkPool.get(10, TimeUnit.SECONDS), "runs on a ForkJoinPool worker, not on the carrier");
        }
    }

    @Test
    void aSubPollerCountOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> IoScheduler.builder().subPollers(-1));
        assertThrows(IllegalArgumentException.class, () -> IoScheduler.builder().subPollers(1025));
    }

    // ------------------------------------------------------------------------------------------

    private interface IoAction {
        void run() throws IOException;
    }

    private static void onVirtual(IoAction action) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                action.run();
                f.complete(null);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    private static CompletableFuture<Void> awaitReadable(IoScheduler io, Pipe pipe,
                                                         java.util.concurrent.ThreadFactory threads) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        threads.newThread(() -> {
            try {
                io.awaitReadable(pipe.readFd());
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }).start();
        return done;
    }

    /** Reads one byte from {@code in} and writes it to {@code out}, {@code n} times. */
    private static void bounce(IoScheduler io, Pipe in, Pipe out, int n, boolean serveFirst,
            java.util.concurrent.atomic.AtomicLong awaits) {
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
        try {
            if (serveFirst) {
                out.write(java.nio.ByteBuffer.wrap(new byte[] {7}));
            }
            for (int i = 0; i < n; i++) {
                one.clear();
                while (in.read(one) == 0) {
                    awaits.incrementAndGet();
                    io.awaitReadable(in.readFd());
                }
                if (serveFirst && i == n - 1) {
                    return;
                }
                one.flip();
                out.write(one);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
