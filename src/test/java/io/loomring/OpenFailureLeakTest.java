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
        long pollers = pollerThreads();
        for (int i = 0; i < 5; i++) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> IoScheduler.builder().backend(Backend.IO_URING).syscalls(uring).build().close());
            assertSame(injected, e, e.toString());
        }
        assertEquals(fds, Fds.openFdCount(), "a failed open leaked fds");
        assertEquals(mappings, ringMappings(), "a failed open leaked ring mappings");
        // Other tests' schedulers (the shared one) may run in this JVM: compare with the count before.
        // A failed poller thread ends right after reporting the failure, so give it a moment.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> pollerThreads() == pollers);
    }

    private static long pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("loomring-")
                        // not the shared blocking pool: its threads (name lookups of carried
                        // threads, in any test before) come and go on their own (retired 30 s idle)
                        && !t.getName().startsWith("loomring-blocking-") && t.isAlive()).count();
    }

    /** Mappings of io_uring rings in this process (the JVM's own mappings come and go). */
    private static long ringMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("io_uring")).count();
    }
}
