package io.loomring.poller;

import java.io.IOException;

/**
 * The poller's work that a thread this carrier carries runs itself, on the carrier's thread,
 * instead of queueing it (a submit, a flush, a cancel, emptying a registered-file slot): it saves
 * a hand-over and a wakeup, since the carrier could not run that work before the thread parks
 * anyway. A failure in it stops the poller as one in the loop would; the loop rethrows it.
 *
 * <p>The thread must not leave its carrier inside an action (no parking, no contended monitor;
 * see {@code ring.SpinLock}): the carrier would then run another of its threads, or its own loop,
 * over the half-done work. {@link PollerCounters#INLINE_OVERLAPS} counts any time that happened.
 * Carrier thread only (a carried thread runs on it), so the fields are plain.
 */
final class InlineActions {
    /** One action on the poller's state; it may call the kernel. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    private final PollerCounters counters;
    /** Stops the poller: what a failing action asks for. */
    private final Runnable stop;
    /** The thread inside an action now, or null. */
    private Thread inside;
    /** The first failure of an action; the loop rethrows it. */
    private Throwable failure;

    InlineActions(PollerCounters counters, Runnable stop) {
        this.counters = counters;
        this.stop = stop;
    }

    /** Runs {@code action} for the calling thread, which runs on the carrier. */
    void run(Action action) {
        if (inside != null) {
            counters.add(PollerCounters.INLINE_OVERLAPS, 1);
        }
        inside = Thread.currentThread();
        try {
            action.run();
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
            stop.run();
        } finally {
            inside = null;
        }
    }

    /** The loop, between carried threads: counts an action still open (its thread left it). */
    void checkNoneOpen() {
        if (inside != null) {
            counters.add(PollerCounters.INLINE_OVERLAPS, 1);
        }
    }

    /** The loop: an action failed; rethrown here, so the poller ends as for a failure of its own. */
    void rethrowFailure() throws Throwable {
        if (failure != null) {
            throw failure;
        }
    }
}
