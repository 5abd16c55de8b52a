package io.loomring;

import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helpers about backends: skips a test whose backend this machine cannot run (io_uring under
 * {@code kernel.io_uring_disabled=2}, a seccomp profile or an old kernel) instead of failing it.
 */
public final class TestBackends {
    private TestBackends() {}

    private static final ConcurrentHashMap<Backend, String> UNAVAILABLE_REASON = new ConcurrentHashMap<>();
    private static final ExecutorService VIRTUAL = Executors.newVirtualThreadPerTaskExecutor();

    /** Skips the calling test (JUnit assumption) when {@code backend} cannot start here. */
    public static void assumeAvailable(Backend backend) {
        String reason = UNAVAILABLE_REASON.computeIfAbsent(backend, TestBackends::probe);
        Assumptions.assumeTrue(reason.isEmpty(), () -> backend + " is unavailable here: " + reason);
    }

    /** An executor that runs each task on a new virtual thread. */
    public static Executor virtualThreads() {
        return VIRTUAL;
    }

    private static String probe(Backend backend) {
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            return "";
        } catch (UncheckedIOException e) {
            return e.getMessage();
        }
    }
}
