package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * What AUTO picks on this very machine. {@code .ci/io_uring-disabled-pass.sh} runs the suite with
 * {@code kernel.io_uring_disabled=2} and {@code -Dloomring.expectAutoBackend=epoll}; without the
 * property the test derives the expectation from the sysctl and from whether io_uring starts.
 */
class AutoBackendTest {
    @Test
    void autoPicksWhatThisMachineAllows() {
        String expectedProperty = System.getProperty("loomring.expectAutoBackend", "").trim();
        String sysctl = BackendFallbackTest.sysctl();
        try (IoScheduler io = IoScheduler.builder().backend(Backend.AUTO).build()) {
            String why = io.backend() + ": " + io.backendReason() + " (kernel.io_uring_disabled=" + sysctl + ")";
            if (!expectedProperty.isEmpty()) {
                assertEquals(Backend.parse(expectedProperty), io.backend(), why);
            }
            if ("2".equals(sysctl)) {
                assertEquals(Backend.EPOLL, io.backend(), why);
                assertTrue(io.backendReason().contains("kernel.io_uring_disabled=2"), why);
            } else if (ioUringStarts()) {
                assertEquals(Backend.IO_URING, io.backend(), why);
            } else {
                assertEquals(Backend.EPOLL, io.backend(), why);
            }
        }
    }

    @Test
    void sharedSchedulerFollowsTheProperty() {
        Backend requested = Backend.parse(System.getProperty("loomring.backend", "auto"));
        IoScheduler shared = IoScheduler.shared();
        if (requested != Backend.AUTO) {
            assertEquals(requested, shared.backend(), shared.backendReason());
        } else {
            String expected = System.getProperty("loomring.expectAutoBackend", "").trim();
            if (!expected.isEmpty()) {
                assertEquals(Backend.parse(expected), shared.backend(), shared.backendReason());
            }
            assertNotEquals(Backend.AUTO, shared.backend());
        }
    }

    private static boolean ioUringStarts() {
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).build()) {
            return true;
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }
}
