package io.loomring.jcstress.sim;

import io.loomring.poller.Waiter;

/**
 * The part of an await's outcome protocol the waiter tests drive: read the state, try to decide it.
 * {@link #of(Waiter)} is the library's {@link Waiter}; broken twins supply a wrong implementation.
 */
public interface Decision {
    /** The outcome so far, {@link Waiter#PENDING} while undecided. */
    int state();

    /** Tries to decide {@code outcome}; true when this call decided it (and woke the awaiting thread). */
    boolean complete(int outcome);

    /** The library's waiter, seen through this interface. */
    static Decision of(Waiter w) {
        return new Real(w);
    }

    /**
     * The library's {@link Waiter}: the awaiting side then runs the library's own loop,
     * {@link Waiter#awaitOutcome}.
     *
     * @param waiter the real waiter
     */
    record Real(Waiter waiter) implements Decision {
        @Override
        public int state() {
            return waiter.state();
        }

        @Override
        public boolean complete(int outcome) {
            return waiter.complete(outcome);
        }
    }
}
