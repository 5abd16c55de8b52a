package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void pipeWakesVirtualThread() throws Exception {
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).build()) {
            int[] p = Fds.pipe();
            try {
                assertFalse(io.awaitReadable(p[0], Duration.ofMillis(50)));
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        io.awaitReadable(p[0]);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(50);
                assertTrue(t.isAlive());
                Fds.write(p[1], 1);
                t.join(5000);
                assertFalse(t.isAlive());
                assertTrue(io.awaitReadable(p[0], Duration.ofMillis(50)));
                System.out.println(io.stats() + " " + io.backendReason());
            } finally {
                Fds.close(p);
            }
        }
    }
}
