package io.loomring.jcstress.sim;

import io.loomring.ffm.Poll;
import io.loomring.poller.Await;
import io.loomring.poller.Completion;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A virtual thread that awaits one outcome. With the library's waiter it runs the library's own
 * loop, {@link Await#awaitOutcome} (what {@code IoScheduler} runs): re-read the state, on interrupt
 * try to decide {@link Completion#INTERRUPTED} itself, otherwise park; return the first decided state.
 * Broken twins (a hand-written wrong waiter, or an await that acts on an interrupt without
 * deciding it) run the same steps written out below, with their defect. It only leaves {@code park} when someone unparks (or interrupts) it, so a decider
 * that forgets to wake it leaves it parked, and {@link #join} reports that as a hang.
 */
public final class ParkedAwait {
    /** {@link #join} result when the awaiting thread did not return. */
    public static final int HUNG = -1;

    private final Thread thread;
    private final Decision outcome;
    private final boolean decidesInterrupt;
    private volatile int returned = HUNG;
    private volatile boolean decidedInterrupt;

    /**
     * Starts the awaiting thread.
     *
     * @param outcomeFor makes the outcome object for the awaiting thread (which it must unpark)
     */
    public ParkedAwait(Function<Thread, Decision> outcomeFor) {
        this(outcomeFor, true);
    }

    /**
     * Starts the awaiting thread.
     *
     * @param outcomeFor       makes the outcome object for the awaiting thread (which it must unpark)
     * @param decidesInterrupt false only for a broken twin: on interrupt the await returns
     *                         INTERRUPTED without deciding it, whatever outcome has won
     */
    public ParkedAwait(Function<Thread, Decision> outcomeFor, boolean decidesInterrupt) {
        this.decidesInterrupt = decidesInterrupt;
        thread = Thread.ofVirtual().unstarted(this::await);
        outcome = outcomeFor.apply(thread);
        thread.start();
    }

    /** The library's waiter for {@code t}, on a made-up fd. */
    public static Decision realWaiter(Thread t) {
        return Decision.of(new Await(t, 10, Poll.POLLIN));
    }

    /** The outcome the deciders race for. */
    public Decision outcome() {
        return outcome;
    }

    /** The awaiting thread. */
    public Thread thread() {
        return thread;
    }

    /** True when the awaiting thread itself decided INTERRUPTED. */
    public boolean decidedInterrupt() {
        return decidedInterrupt;
    }

    /** Waits (bounded) for the awaiting thread; returns the outcome it returned, or {@link #HUNG}. */
    public int join() {
        return BoundedJoin.ended(thread) ? returned : HUNG;
    }

    private void await() {
        if (decidesInterrupt && outcome instanceof Decision.Real real) {
            returned = real.waiter().awaitOutcome(Completion.NO_TIMEOUT, () -> decidedInterrupt = true);
            return;
        }
        Thread self = Thread.currentThread();
        for (;;) {
            int state = outcome.state();
            if (state != Completion.PENDING) {
                returned = state;
                return;
            }
            if (self.isInterrupted()) {
                if (!decidesInterrupt) {
                    returned = Completion.INTERRUPTED; // wrong: acts on the interrupt without winning
                    return;
                }
                if (outcome.complete(Completion.INTERRUPTED)) {
                    decidedInterrupt = true;
                }
                continue;
            }
            LockSupport.park(this);
        }
    }
}
