package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend that fails half-way through opening (here: after the ring is set up and mapped) leaves
 * no fd, mapping or thread behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenFailureLeakTest {

    @Test
    void ringOpenedThenFailingReleasesEverything() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        FaultySyscalls.Uring uring = new FaultySyscalls.Uring();
        RuntimeException injected = new IllegalStateException("injected io_uring_register fault");
        uring.registerThrows = injected;
        long fds = Fds.openFdCount();
        long mappings = ringMappings();
        for (int i = 0; i < 5; i++) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> IoScheduler.builder().backend(Backend.IO_URING).syscalls(uring).build().close());
            assertSame(injected, e, e.toString());
        }
        assertEquals(fds, Fds.openFdCount(), "a failed open leaked fds");
        assertEquals(mappings, ringMappings(), "a failed open leaked ring mappings");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("loomring-io_uring-poller")), "a poller thread is left");
    }

    /** Mappings of io_uring rings in this process (the JVM's own mappings come and go). */
    private static long ringMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("io_uring")).count();
    }
}
