package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A completion queue far smaller than the number of fds that become ready at once (a 4-entry ring:
 * 8 CQEs; about 20k eventfds, each with a parked virtual thread) still wakes everyone, on both
 * backends. Needs an fd limit of about 21k: with less, it runs with what fits (at least 4096 fds),
 * and below that it is skipped with a message.
 */
class ReadyBurstTest {
    private static final int WANTED = 20_000;
    private static final int MINIMUM = 4096;
    private static final int HEADROOM = 512;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void twentyThousandReadyFdsThroughATinyRing(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        long room = openFileLimit() - Fds.openFdCount() - HEADROOM;
        Assumptions.assumeTrue(room >= MINIMUM, () -> "fd limit too low for this test: room for " + room
                + " fds, need " + MINIMUM + " (ideally " + (WANTED + HEADROOM) + "); raise ulimit -n");
        int n = (int) Math.min(WANTED, room);
        if (n < WANTED) {
            System.out.println("ReadyBurstTest: fd limit " + openFileLimit() + " allows " + n + " of " + WANTED
                    + " eventfds");
        }
        List<Integer> fds = new ArrayList<>(n);
        try (IoScheduler io = IoScheduler.builder().backend(backend).ringEntries(4).build()) {
            try {
                List<CompletableFuture<Long>> waiters = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int fd = Fds.eventfd(0);
                    fds.add(fd);
                    waiters.add(CompletableFuture.supplyAsync(() -> awaitThenRead(io, fd), TestBackends.virtualThreads()));
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> io.stats().armed() == n);
                for (int fd : fds) {
                    Fds.write(fd, 8);
                }
                for (CompletableFuture<Long> w : waiters) {
                    assertEquals(8L, w.get(120, TimeUnit.SECONDS), "each waiter's fd really was readable");
                }
                assertEquals(0, io.stats().armed());
                assertTrue(io.stats().completions() >= n, io.stats().toString());
                if (backend == Backend.IO_URING) {
                    assertTrue(io.stats().overflowFlushes() > 0, "the CQ overflowed and was flushed: " + io.stats());
                }
            } finally {
                fds.forEach(Fds::close);
            }
        }
    }

    private static long awaitThenRead(IoScheduler io, int fd) {
        try {
            io.awaitReadable(fd);
            return Fds.read(fd, 8);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** The soft RLIMIT_NOFILE of this JVM (which raises it to the hard limit at startup). */
    static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 1024;
    }
}
