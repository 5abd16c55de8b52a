package io.loomring;

import static org.awaitility.Awaitility.await;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.ffm.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When {@code io_uring_enter} reports lost completions ({@code -EBADR}) the poller wakes every
 * waiter; the polls those waiters had in the kernel must be removed too, or each keeps its file
 * open after the application has cancelled and closed the fd (a socket's peer would never see the
 * FIN). Here the file is a pipe's read end: once it is really closed, the write end reports
 * POLLERR (no reader left).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LostCompletionsTest {
    private static final short POLLOUT = 0x004;
    private static final short POLLERR = 0x008;
    private static final MethodHandle POLL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("poll"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /** poll(2) with a zero timeout: the revents of {@code fd} for {@code events}. */
    private static int revents(int fd, short events) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(8, 4);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, events);
            int r = (int) POLL.invokeExact(pollfd, 1L, 0);
            assertTrue(r >= 0, "poll failed");
            return pollfd.get(JAVA_SHORT, 6);
        }
    }

    /** True when {@code writeEnd}'s pipe has no reader left (poll(2) reports POLLERR). */
    static boolean hasNoReader(int writeEnd) throws Throwable {
        return (revents(writeEnd, POLLOUT) & POLLERR) != 0;
    }

    @Test
    void pollsOfWaitersWokenByEbadrAreRemovedFromTheKernel() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        FaultySyscalls.Uring uring = new FaultySyscalls.Uring();
        int[] pipe = Fds.pipe();
        int[] trigger = Fds.pipe();
        boolean readEndClosed = false;
        // One poller for both awaits (no sub-pollers), so the fault reaches the one holding the waiter.
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).subPollers(0)
                .syscalls(uring).build()) {
            CompletableFuture<Boolean> waiter = IoSchedulerTest.onVirtualThread(() -> {
                io.awaitReadable(pipe[0]);
                return true;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 1);

            uring.enterErrnoOnce.set(Errno.EBADR);
            io.awaitReadable(trigger[0], Duration.ofMillis(20)); // wakes the poller into the fault
            assertTrue(waiter.get(10, TimeUnit.SECONDS), "EBADR wakes every waiter (spuriously ready)");

            io.cancel(pipe[0]); // the documented steps before closing an fd
            Fds.close(pipe[0]);
            readEndClosed = true;
            // Polled with poll(2), which changes nothing: writing would make the pipe readable and
            // fire the leftover poll, which would then let go of the file by itself.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                    assertTrue((revents(pipe[1], POLLOUT) & POLLERR) != 0,
                            "a kernel poll still holds the closed read end (the pipe still has a reader)"));
        } finally {
            if (!readEndClosed) {
                Fds.close(pipe[0]);
            }
            Fds.close(pipe[1], trigger[0], trigger[1]);
        }
    }
}
