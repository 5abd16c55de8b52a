package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The io_uring backend's per-fd fallback: a POLL_ADD that completes with -EINVAL moves the fd to
 * an epoll set polled from the ring. The test seam {@code IoUringSyscalls.refusePollAdd} makes the
 * poller submit the POLL_ADD of chosen fds with an undefined flag, so the kernel itself completes
 * them with -EINVAL, as a kernel whose io_uring cannot poll that file type would.
 */
class PollAddFallbackTest {
    private final FaultySyscalls.Uring sys = new FaultySyscalls.Uring();
    private IoScheduler io;
    private int[] pipe;

    @BeforeEach
    void open() {
        TestBackends.assumeAvailable(Backend.IO_URING);
        io = IoScheduler.builder().backend(Backend.IO_URING).syscalls(sys).build();
        pipe = Fds.pipe();
    }

    @AfterEach
    void close() {
        if (io != null) {
            io.close();
            Fds.close(pipe);
        }
    }

    @Test
    void refusedFdIsServedByEpollTransparently() throws Exception {
        sys.refusedFds.add(pipe[0]);
        CompletableFuture<Boolean> first = awaitOnVirtualThread(pipe[0]);
        // The refusal happened and the await is parked again, now in the epoll set.
        await().atMost(Duration.ofSeconds(5)).until(() -> sys.refusals.get() == 1 && io.stats().armed() == 1);
        assertFalse(first.isDone());
        Fds.write(pipe[1], 1);
        assertTrue(first.get(5, TimeUnit.SECONDS));
        assertEquals(1, Fds.read(pipe[0], 8));

        // Later awaits on that fd number go straight to epoll: no further POLL_ADD is refused.
        for (int i = 0; i < 200; i++) {
            CompletableFuture<Boolean> later = awaitOnVirtualThread(pipe[0]);
            if (i % 20 == 0) { // now and then, let the await park before the fd is ready
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                        .until(() -> io.stats().armed() == 1);
            }
            Fds.write(pipe[1], 1);
            assertTrue(later.get(5, TimeUnit.SECONDS));
            assertEquals(1, Fds.read(pipe[0], 8));
        }
        assertEquals(1, sys.refusals.get());

        // Timeouts work on the fallback, and leave nothing armed. (On a virtual thread, as the awaits
        // above: a platform thread's await goes to a carrier, whose own first POLL_ADD would be refused.)
        assertFalse(IoSchedulerTest.onVirtualThread(() -> io.awaitReadable(pipe[0], Duration.ofMillis(30)))
                .get(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> io.stats().armed() == 0);
        assertEquals(1, sys.refusals.get());
    }

    @Test
    void writableAwaitsAndOtherFdsAreUnaffected() throws Exception {
        sys.refusedFds.add(pipe[1]);
        Fds.fill(pipe[1]);
        CompletableFuture<Boolean> writable = CompletableFuture.supplyAsync(() -> {
            try {
                io.awaitWritable(pipe[1]);
                return true;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, TestBackends.virtualThreads());
        int[] other = Fds.pipe();
        try {
            CompletableFuture<Boolean> readable = awaitOnVirtualThread(other[0]);
            await().atMost(Duration.ofSeconds(5)).until(() -> sys.refusals.get() == 1 && io.stats().armed() == 2);
            Fds.write(other[1], 1);
            assertTrue(readable.get(5, TimeUnit.SECONDS));
            assertFalse(writable.isDone());
            while (Fds.read(pipe[0], 65536) > 0) {
                // drain, so the pipe becomes writable
            }
            assertTrue(writable.get(5, TimeUnit.SECONDS));
            assertEquals(1, sys.refusals.get());
        } finally {
            Fds.close(other);
        }
    }

    @Test
    void cancelWakesFallbackWaitersAndGivesTheFdBackToIoUring() throws Exception {
        sys.refusedFds.add(pipe[0]);
        CompletableFuture<Boolean> a = awaitOnVirtualThread(pipe[0]);
        CompletableFuture<Boolean> b = awaitOnVirtualThread(pipe[0]);
        // One refusal, or two when b was armed before a's refusal came back: both are right.
        await().atMost(Duration.ofSeconds(5)).until(() -> io.stats().armed() == 2 && sys.refusals.get() >= 1);
        int refusals = sys.refusals.get();
        assertTrue(refusals <= 2, "refusals: " + refusals);
        io.cancel(pipe[0]);
        for (CompletableFuture<Boolean> f : java.util.List.of(a, b)) {
            Throwable t = assertThrows(Exception.class, () -> f.get(5, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, t.getCause().getCause(), t.toString());
        }
        assertEquals(0, io.stats().armed());

        // After cancel the fd number tries io_uring again (refused again here, so back to epoll).
        CompletableFuture<Boolean> c = awaitOnVirtualThread(pipe[0]);
        await().atMost(Duration.ofSeconds(5)).until(() -> sys.refusals.get() == refusals + 1 && io.stats().armed() == 1);
        Fds.write(pipe[1], 1);
        assertTrue(c.get(5, TimeUnit.SECONDS));

        // And once the kernel accepts the fd, io_uring serves it with no refusal.
        io.cancel(pipe[0]);
        sys.refusedFds.clear();
        assertTrue(io.awaitReadable(pipe[0], Duration.ofSeconds(5)));
        assertEquals(refusals + 1, sys.refusals.get());
    }

    private CompletableFuture<Boolean> awaitOnVirtualThread(int fd) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                io.awaitReadable(fd);
                return true;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, TestBackends.virtualThreads());
    }
}
