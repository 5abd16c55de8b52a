package io.loomring.jcstress.sim;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for a simulated thread at the end of a sample, with a bound: a thread that a broken
 * decider forgot to wake must show up as a hang, not stop the run.
 */
public final class BoundedJoin {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private BoundedJoin() {}

    /**
     * Waits up to five seconds for {@code thread}; true when it ended. A thread still parked then
     * is unparked, so hung samples do not pile up.
     */
    public static boolean ended(Thread thread) {
        try {
            if (!thread.join(PATIENCE)) {
                LockSupport.unpark(thread);
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
