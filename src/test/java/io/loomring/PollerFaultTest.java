package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.ffm.Errno;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The poller thread never dies silently: a fault injected into its kernel wait (an errno, or an
 * unchecked exception) wakes every waiter with an IOException carrying the cause, and later awaits
 * fail at once with the same cause.
 */
class PollerFaultTest {
    private static final int WAITERS = 64;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void kernelErrnoInThePollerWakesEveryWaiterWithTheCause(Backend backend) throws Exception {
        checkFault(backend, false);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void unexpectedExceptionInThePollerWakesEveryWaiterWithTheCause(Backend backend) throws Exception {
        checkFault(backend, true);
    }

    private static void checkFault(Backend backend, boolean throwing) throws Exception {
        TestBackends.assumeAvailable(backend);
        FaultySyscalls.Uring uring = new FaultySyscalls.Uring();
        FaultySyscalls.Epoll epoll = new FaultySyscalls.Epoll();
        long fdsBefore = Fds.openFdCount();
        List<int[]> pipes = new ArrayList<>();
        IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).syscalls(uring).epollSyscalls(epoll).build();
        try {
            List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                int[] p = Fds.pipe();
                pipes.add(p);
                waiters.add(CompletableFuture.supplyAsync(() -> awaitReadable(io, p[0]), TestBackends.virtualThreads()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == WAITERS);

            RuntimeException injected = new IllegalStateException("injected poller fault");
            if (backend == Backend.IO_URING) {
                if (throwing) {
                    uring.enterThrows = injected;
                } else {
                    uring.enterErrno = Errno.EFAULT;
                }
            } else if (throwing) {
                epoll.waitThrows = injected;
            } else {
                epoll.waitErrno = Errno.EFAULT;
            }
            // The poller sleeps in the real kernel: one more await wakes it into the fault.
            int[] trigger = Fds.pipe();
            pipes.add(trigger);
            IOException triggered = assertThrows(IOException.class,
                    () -> io.awaitReadable(trigger[0], Duration.ofSeconds(10)));

            Throwable cause = triggered.getCause();
            assertNotNull(cause, "the exception must carry the poller's failure");
            if (throwing) {
                assertSame(injected, cause);
            } else {
                assertTrue(cause.getMessage().contains("EFAULT"), cause.toString());
            }
            for (CompletableFuture<Boolean> w : waiters) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
                IOException io2 = assertInstanceOf(IOException.class, e.getCause().getCause());
                assertSame(cause, io2.getCause(), io2.toString());
            }
            assertTrue(io.isClosed());
            assertEquals(0, io.stats().armed());

            // Later awaits fail fast (never park) with the same cause.
            for (int i = 0; i < 3; i++) {
                IOException later = assertTimeoutPreemptively(Duration.ofSeconds(10),
                        () -> assertThrows(IOException.class, () -> io.awaitReadable(trigger[0])));
                assertSame(cause, later.getCause());
                assertTrue(later.getMessage().contains("poller failed"), later.getMessage());
            }
        } finally {
            io.close();
            for (int[] p : pipes) {
                Fds.close(p);
            }
        }
        // The dead poller released its kernel objects too.
        assertEquals(fdsBefore, Fds.openFdCount());
    }

    private static boolean awaitReadable(IoScheduler io, int fd) {
        try {
            io.awaitReadable(fd);
            return true;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
