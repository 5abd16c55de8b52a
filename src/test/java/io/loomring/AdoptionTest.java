package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.poller.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link IoScheduler.Builder#adoptVirtualThreads}: an ordinary virtual thread (started by a
 * platform thread, as a framework's accept loop starts its connection threads) runs on a carrier
 * from the first park of its first I/O call on, and so do the threads it starts; threads of another
 * scheduler's carriers stay where they are; without the switch nothing moves; a scheduler that
 * closes leaves its adopted threads running.
 */
class AdoptionTest {
    private static IoScheduler open(Backend backend, boolean adopt) {
        TestBackends.assumeAvailable(backend);
        IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).adoptVirtualThreads(adopt).build();
        Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
        return io;
    }

    /** What an ordinary thread saw: carried before its wait, after it, and a thread it started then. */
    private record Seen(boolean before, boolean after, boolean child) {}

    /** Starts, from a platform thread, an ordinary virtual thread that waits for {@code pipe} through {@code io}. */
    private static CompletableFuture<Seen> waitOnOrdinaryThread(IoScheduler io, Fds.Pipe pipe, AtomicReference<Thread> started) {
        CompletableFuture<Seen> seen = new CompletableFuture<>();
        Thread platform = Thread.ofPlatform().start(() -> started.set(Thread.ofVirtual().start(() -> {
            try {
                boolean before = io.carriesCurrentThread();
                while (Fds.read(pipe.readEnd(), 8) < 0) {
                    io.awaitReadable(pipe.readEnd());
                }
                boolean after = io.carriesCurrentThread();
                CompletableFuture<Boolean> child = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> child.complete(io.carriesCurrentThread()));
                seen.complete(new Seen(before, after, child.get(10, TimeUnit.SECONDS)));
            } catch (Throwable t) {
                seen.completeExceptionally(t);
            }
        })));
        Threads.joinUninterruptibly(platform);
        return seen;
    }

    private static void writeOnceParked(AtomicReference<Thread> thread, Fds.Pipe pipe) {
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null
                && thread.get().getState() == Thread.State.WAITING);
        Fds.write(pipe.writeEnd(), 8);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void anOrdinaryThreadIsCarriedFromItsFirstWaitOnAndSoAreTheThreadsItStarts(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, true); Fds.Pipe pipe = Fds.Pipe.open()) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Seen> seen = waitOnOrdinaryThread(io, pipe, thread);
            writeOnceParked(thread, pipe);
            assertEquals(new Seen(false, true, true), seen.get(10, TimeUnit.SECONDS));
            assertEquals(1, io.carriedThreadsAdopted());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void withoutTheSwitchOrdinaryThreadsStayOnTheJdksScheduler(Backend backend) throws Exception {
        try (IoScheduler io = open(backend, false); Fds.Pipe pipe = Fds.Pipe.open()) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Seen> seen = waitOnOrdinaryThread(io, pipe, thread);
            writeOnceParked(thread, pipe);
            assertEquals(new Seen(false, false, false), seen.get(10, TimeUnit.SECONDS));
            assertEquals(0, io.carriedThreadsAdopted());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aThreadOfAnotherSchedulersCarriersStaysThere(Backend backend) throws Exception {
        try (IoScheduler home = open(backend, false); IoScheduler adopting = open(backend, true);
                Fds.Pipe pipe = Fds.Pipe.open()) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<List<Boolean>> seen = OnThread.start(home.threadFactory(), () -> {
                thread.set(Thread.currentThread());
                while (Fds.read(pipe.readEnd(), 8) < 0) {
                    adopting.awaitReadable(pipe.readEnd());
                }
                return List.of(home.carriesCurrentThread(), adopting.carriesCurrentThread());
            });
            writeOnceParked(thread, pipe);
            assertEquals(List.of(true, false), OnThread.get(seen));
            assertEquals(0, adopting.carriedThreadsAdopted());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void anAdoptedThreadRunsOnAfterItsSchedulerCloses(Backend backend) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        CompletableFuture<Void> adopted = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try (Fds.Pipe pipe = Fds.Pipe.open()) {
            IoScheduler io = open(backend, true);
            AtomicReference<Thread> thread = new AtomicReference<>();
            Thread.ofPlatform().start(() -> thread.set(Thread.ofVirtual().start(() -> {
                try {
                    while (Fds.read(pipe.readEnd(), 8) < 0) {
                        io.awaitReadable(pipe.readEnd());
                    }
                    adopted.complete(null);
                    closed.get(10, TimeUnit.SECONDS); // parks; woken after the close
                    Thread.sleep(10);
                    done.complete("ran on");
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            }))).join();
            writeOnceParked(thread, pipe);
            adopted.get(10, TimeUnit.SECONDS);
            assertEquals(1, io.carriedThreadsAdopted());
            io.close();
            assertTrue(io.isClosed());
            closed.complete(null);
            assertEquals("ran on", done.get(10, TimeUnit.SECONDS));
            assertTrue(thread.get().join(Duration.ofSeconds(10)), "the adopted thread did not end");
        }
    }
}
