package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fault while the poller arms an await (the await is off the request queue but not yet in the
 * backend's tables) still wakes that await with the poller's failure: it must not park forever.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArmFaultTest {

    @Test
    void awaitBeingArmedWhenThePollerFailsGetsTheCause() throws Exception {
        TestBackends.assumeAvailable(Backend.EPOLL);
        FaultySyscalls.Epoll epoll = new FaultySyscalls.Epoll();
        int[] pipe = Fds.pipe();
        IoScheduler io = IoScheduler.builder().backend(Backend.EPOLL).carriers(1).epollSyscalls(epoll).build();
        try {
            RuntimeException injected = new IllegalStateException("injected epoll_ctl fault");
            epoll.ctlThrows = injected;
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try {
                    io.awaitReadable(pipe[0]); // no timeout: only the poller can end it
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, TestBackends.virtualThreads());
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS),
                    "the await being armed was stranded by the poller's failure");
            IOException closed = assertInstanceOf(IOException.class, e.getCause().getCause());
            assertSame(injected, closed.getCause(), closed.toString());
            assertTrue(io.isClosed());
        } finally {
            io.close();
            Fds.close(pipe);
        }
    }

    @Test
    void cancelBeingProcessedWhenThePollerFailsReturns() throws Exception {
        TestBackends.assumeAvailable(Backend.EPOLL);
        FaultySyscalls.Epoll epoll = new FaultySyscalls.Epoll();
        int[] pipe = Fds.pipe();
        IoScheduler io = IoScheduler.builder().backend(Backend.EPOLL).carriers(1).epollSyscalls(epoll).build();
        try {
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try {
                    io.awaitReadable(pipe[0]);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, TestBackends.virtualThreads());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> io.stats().armed() == 1);
            RuntimeException injected = new IllegalStateException("injected epoll_ctl fault");
            epoll.ctlThrows = injected; // the cancel's EPOLL_CTL_DEL throws on the poller thread
            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> io.cancel(pipe[0]),
                    TestBackends.virtualThreads());
            cancel.get(10, TimeUnit.SECONDS); // before: parked forever, its request lost with the poller
            assertTrue(io.isClosed());
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
            assertNotNull(e.getCause());
        } finally {
            io.close();
            Fds.close(pipe);
        }
    }
}
