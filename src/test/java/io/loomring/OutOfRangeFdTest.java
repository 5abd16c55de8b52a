package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An fd number no process can have open (far above any fd limit) is a bad fd like any other: the
 * await fails with an {@link IOException}, promptly, and the scheduler keeps serving.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutOfRangeFdTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void hugeFdFailsTheAwaitNotTheScheduler(Backend backend) throws Exception {
        try (IoScheduler io = IoSchedulerTest.open(backend)) {
            for (int fd : new int[] {Integer.MAX_VALUE, 1 << 30, 500_000_000}) {
                IOException e = assertThrows(IOException.class, () -> io.awaitReadable(fd, Duration.ofSeconds(10)));
                assertFalse(io.isClosed(), () -> "the scheduler died on fd " + fd + ": " + e);
                assertTrue(e.getMessage().contains("EBADF"), e::getMessage);
            }
            int[] pipe = Fds.pipe();
            try {
                Fds.write(pipe[1], 1);
                assertTrue(io.awaitReadable(pipe[0], Duration.ofSeconds(10)));
            } finally {
                Fds.close(pipe[0], pipe[1]);
            }
        }
    }
}
