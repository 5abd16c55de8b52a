package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.Decision;
import io.loomring.poller.Completion;
import java.util.concurrent.locks.LockSupport;

/**
 * A deliberately wrong outcome for the broken twins: it decides by "read PENDING, then write"
 * instead of one compare-and-set, so two racing deciders can both believe they won. The fields
 * are volatile, so this is not a memory-ordering bug but a lost atomicity.
 */
final class CheckThenSetWaiter implements Decision {
    private final Thread thread;
    private volatile int state = Completion.PENDING;

    CheckThenSetWaiter(Thread thread) {
        this.thread = thread;
    }

    @Override
    public int state() {
        return state;
    }

    @Override
    public boolean complete(int outcome) {
        if (state != Completion.PENDING) {
            return false;
        }
        state = outcome; // wrong: another decider may have written between the read and this write
        if (Thread.currentThread() != thread) {
            LockSupport.unpark(thread);
        }
        return true;
    }
}
