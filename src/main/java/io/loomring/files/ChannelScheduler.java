package io.loomring.files;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The scheduler a provider's channels run on: the one it was given, or the shared one, taken at
 * the first channel open and kept.
 *
 * <p>Taking the shared scheduler starts it, and its startup may itself open a file (the backend
 * choice reads a sysctl with {@code Files}). When this provider is the default one, that open comes
 * back here on the same thread while {@link IoScheduler#shared()} is still being initialized, and
 * the nested call fails. {@link #get()} recognizes that case and answers null, so the provider
 * opens that one file on the built-in channel instead of failing the scheduler's startup.
 */
final class ChannelScheduler {
    /**
     * The class whose initializer starts the shared scheduler. A failure while one of its frames is
     * on this thread's stack is the nested call, not a failed scheduler; a test checks the class
     * still exists under this name.
     */
    static final String SHARED_STARTUP = "io.loomring.IoScheduler$SharedHolder";

    private final Supplier<IoScheduler> shared;
    private final String startupClass;
    private volatile IoScheduler scheduler;

    /**
     * The shared scheduler, taken at the first {@link #get()}. No method reference here: this runs
     * while the JDK sets up its default file system, and must not even load {@link IoScheduler}.
     */
    ChannelScheduler() {
        this(null, SHARED_STARTUP);
    }

    /** {@code scheduler}, from the start. */
    ChannelScheduler(IoScheduler scheduler) {
        this(null, SHARED_STARTUP);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * A test seam: {@code shared} stands for {@link IoScheduler#shared()} (null: that one), started
     * by {@code startupClass}.
     */
    ChannelScheduler(Supplier<IoScheduler> shared, String startupClass) {
        this.shared = shared;
        this.startupClass = startupClass;
    }

    /**
     * The scheduler; null when this thread is starting the shared scheduler and the open that asks
     * comes from that startup.
     *
     * @throws IOException when the shared scheduler cannot start (its exception is the cause), so
     *                     that code opening files sees the exception file opens declare
     */
    IoScheduler get() throws IOException {
        IoScheduler s = scheduler;
        if (s != null) {
            return s;
        }
        try {
            s = shared == null ? IoScheduler.shared() : shared.get();
        } catch (RuntimeException e) {
            if (startingOnThisThread()) {
                return null;
            }
            throw new IOException("Loomring's shared scheduler cannot start: " + e.getMessage(), e);
        }
        scheduler = s; // a race sets the same instance twice
        return s;
    }

    /** True when this thread is inside the initializer that starts the shared scheduler. */
    private boolean startingOnThisThread() {
        // Only on the failure path, so walking the stack costs nothing in the ordinary case.
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().equals(startupClass) && f.getMethodName().equals("<clinit>")));
    }
}
