package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.ffm.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Closing and reopening many schedulers in one JVM leaves no poller thread, fd or mapping behind,
 * including schedulers closed with waiters parked, schedulers whose io_uring poller opened its
 * per-fd epoll fallback, and schedulers whose poller died of an injected fault.
 */
class SchedulerLifecycleTest {
    private static final int CYCLES = 200;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void closeAndReopenManySchedulersLeavesNothingBehind(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        cycle(backend, 0); // warm up class loading, thread-locals and the virtual-thread scheduler
        long fds = Fds.openFdCount();
        long maps = Fds.mappingCount();
        long ringMaps = ioUringMappings();
        long threads = pollerThreads();
        for (int i = 1; i <= CYCLES; i++) {
            cycle(backend, i);
        }
        assertEquals(fds, Fds.openFdCount(), "fds left behind");
        assertEquals(ringMaps, ioUringMappings(), "io_uring mappings left behind");
        // The ring mappings are checked exactly above; the JVM's own mappings (malloc arenas for new
        // threads, code cache) may grow a little, far less than two per scheduler.
        assertTrue(Fds.mappingCount() <= maps + 64, "mappings left behind: " + maps + " -> " + Fds.mappingCount());
        assertEquals(threads, pollerThreads(), "poller threads left behind");
    }

    /** One scheduler's life: a ready await, a waiter parked at close, sometimes a fallback or a fault. */
    private static void cycle(Backend backend, int i) throws Exception {
        FaultySyscalls.Uring uring = new FaultySyscalls.Uring();
        FaultySyscalls.Epoll epoll = new FaultySyscalls.Epoll();
        IoScheduler io = IoScheduler.builder().backend(backend).ringEntries(8).syscalls(uring).epollSyscalls(epoll).build();
        int[] ready = Fds.pipe();
        int[] idle = Fds.pipe();
        try {
            if (i % 2 == 1) {
                uring.refusedFds.add(ready[0]); // io_uring: this fd goes through the epoll fallback
            }
            if (backend == Backend.IO_URING && i == 0) {
                assertTrue(ioUringMappings() >= 1, "the ring's mappings are visible in /proc/self/maps");
            }
            Fds.write(ready[1], 1);
            assertTrue(io.awaitReadable(ready[0], Duration.ofSeconds(10)));
            CompletableFuture<Boolean> parked = CompletableFuture.supplyAsync(() -> {
                try {
                    io.awaitReadable(idle[0]);
                    return true;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, TestBackends.virtualThreads());
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .until(() -> io.stats().armed() == 1);
            if (i % 10 == 5) { // the poller dies of a kernel fault before close
                uring.enterErrno = Errno.EFAULT;
                epoll.waitErrno = Errno.EFAULT;
                assertThrows(IOException.class, () -> io.awaitReadable(ready[0], Duration.ofSeconds(10)));
                assertTrue(io.isClosed());
            }
            io.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> parked.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause().getCause());
        } finally {
            io.close();
            Fds.close(ready);
            Fds.close(idle);
        }
    }

    private static long pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("loomring-")
                        // not the shared blocking pool: its threads (name lookups of carried
                        // threads, in any test before) come and go on their own (retired 30 s idle)
                        && !t.getName().startsWith("loomring-blocking-") && t.isAlive())
                .count();
    }

    private static long ioUringMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("io_uring")).count();
    }
}
