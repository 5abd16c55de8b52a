package io.loomring.jcstress.sim;

import io.loomring.poller.Await;
import io.loomring.poller.Completion;

/**
 * The part of an await's outcome protocol the waiter tests drive: read the state, try to decide it.
 * {@link #of(Await)} is the library's {@link Await}; broken twins supply a wrong implementation.
 */
public interface Decision {
    /** The outcome so far, {@link Completion#PENDING} while undecided. */
    int state();

    /** Tries to decide {@code outcome}; true when this call decided it (and woke the awaiting thread). */
    boolean complete(int outcome);

    /** The library's waiter, seen through this interface. */
    static Decision of(Await w) {
        return new Real(w);
    }

    /**
     * The library's {@link Await}: the awaiting side then runs the library's own loop,
     * {@link Await#awaitOutcome}.
     *
     * @param waiter the real waiter
     */
    record Real(Await waiter) implements Decision {
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
