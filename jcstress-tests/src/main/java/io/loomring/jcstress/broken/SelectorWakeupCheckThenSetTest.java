package io.loomring.jcstress.broken;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.SelectorWakeupTest}: the select announces its
 * wait by reading the state and then writing WAITING, instead of one CAS from IDLE. A wakeup
 * between the two finds IDLE, records WOKEN without a signal, and the select's write overwrites
 * it: the select blocks unsignalled. Expected to report the forbidden outcome {@code "1, 0"}.
 *
 * <p>The waker is the library's rule (a CAS from IDLE to WOKEN, or from WAITING to SIGNALLED) on a
 * copy of the state, since the latch keeps its state private.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "the select blocks; the waker's signal ends it")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "the wakeup came first; the select does not block")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "the select blocks and nobody signals: wakeup lost")
@Outcome(id = "0, 1", expect = Expect.FORBIDDEN, desc = "a signal for a select that does not block")
@State
public class SelectorWakeupCheckThenSetTest {
    private static final int IDLE = 0;
    private static final int WAITING = 1;
    private static final int WOKEN = 2;
    private static final int SIGNALLED = 3;

    private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(IDLE);

    private boolean beginWait() {
        if (state.get() != IDLE) {
            return false;
        }
        state.set(WAITING); // wrong: a wakeup since the read is overwritten
        return true;
    }

    private boolean wakeup() {
        for (;;) {
            int s = state.get();
            if (s == WOKEN || s == SIGNALLED) {
                return false;
            }
            int next = s == IDLE ? WOKEN : SIGNALLED;
            if (state.compareAndSet(s, next)) {
                return next == SIGNALLED;
            }
        }
    }

    @Actor
    public void select(II_Result r) {
        r.r1 = beginWait() ? 1 : 0;
    }

    @Actor
    public void waker(II_Result r) {
        r.r2 = wakeup() ? 1 : 0;
    }
}
