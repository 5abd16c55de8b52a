package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.ffm.Errno;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -EBADR} (lost completions) can come from the kernel call the poller makes to free SQ
 * space in the middle of arming an await. The await being armed must not be among the waiters that
 * the poller then wakes and forgets: its poll would still be submitted afterwards, under a released
 * slot, and stay in the kernel holding the file after the application cancelled and closed the fd.
 *
 * <p>With a one-entry SQ the re-armed wakeup read fills the queue, so the next arm always has to
 * make room first: the injected EBADR lands exactly there.
 *
 * <p>No sub-pollers: the await must be armed by the carrier, which sleeps in the kernel until the
 * await arrives, so the next kernel call is the arming one. A sub-poller also makes non-blocking
 * calls between arms, and an EBADR there rightly wakes the armed await (a spurious wakeup).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LostCompletionsWhileArmingTest {

    @Test
    void awaitBeingArmedIsNotLostWhenMakingRoomReportsEbadr() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        FaultySyscalls.Uring uring = new FaultySyscalls.Uring();
        int[] pipe = Fds.pipe();
        boolean readEndClosed = false;
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).subPollers(0).ringEntries(1)
                .syscalls(uring).build()) {
            // One full cycle, then wait until every io_uring poller sleeps in io_uring_enter, so the
            // injected error hits the next kernel call: the one made while arming.
            Fds.write(pipe[1], 1);
            assertTrue(io.awaitReadable(pipe[0], Duration.ofSeconds(10)));
            assertEquals(1, Fds.read(pipe[0], 1));
            await().atMost(Duration.ofSeconds(10)).until(LostCompletionsWhileArmingTest::pollersAsleep);

            uring.enterErrnoOnce.set(Errno.EBADR);
            CompletableFuture<Boolean> waiter = IoSchedulerTest.onVirtualThread(() -> {
                io.awaitReadable(pipe[0]);
                return true;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> uring.enterErrnoOnce.get() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 1 || waiter.isDone());
            assertFalse(waiter.isDone(), "the await being armed was woken and forgotten by the EBADR");

            io.cancel(pipe[0]);
            assertInstanceOf(AsynchronousCloseException.class, IoSchedulerTest.failureOf(waiter));
            Fds.close(pipe[0]);
            readEndClosed = true;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                    assertTrue(LostCompletionsTest.hasNoReader(pipe[1]),
                            "a kernel poll still holds the closed read end (the pipe still has a reader)"));
        } finally {
            if (!readEndClosed) {
                Fds.close(pipe[0]);
            }
            Fds.close(pipe[1]);
        }
    }

    private static boolean pollersAsleep() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("loomring-io_uring-poller-"))
                .allMatch(e -> Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().endsWith("IoUring") && f.getMethodName().equals("enter")));
    }
}
