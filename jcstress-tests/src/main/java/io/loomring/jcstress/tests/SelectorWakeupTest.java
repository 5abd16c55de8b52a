package io.loomring.jcstress.tests;

import io.loomring.poller.WakeupLatch;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A selector's {@code wakeup()} against a select that is about to block, on the library's
 * {@link WakeupLatch} (the state machine {@code io.loomring.nio.LoomringSelector} uses): the
 * selecting thread announces its wait with {@link WakeupLatch#beginWait()} and would block in the
 * kernel if it returned true; another thread calls {@link WakeupLatch#wakeup()} and writes the
 * eventfd if it returned true. The kernel wait itself is left out (it would hang jcstress).
 *
 * <p>Result: (select would block, waker signals). Forbidden: {@code "1, 0"}, the select blocks and
 * nobody signals: the wakeup is lost and the select sleeps until some channel is ready. Also
 * forbidden: {@code "0, 1"}, a signal for a select that does not block (a stale eventfd write).
 * The broken twin {@code io.loomring.jcstress.broken.SelectorWakeupCheckThenSetTest} announces the
 * wait with a read and then a write instead of the CAS, and loses the wakeup.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "the select blocks; the waker's signal ends it")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "the wakeup came first; the select does not block")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "the select blocks and nobody signals: wakeup lost")
@Outcome(id = "0, 1", expect = Expect.FORBIDDEN, desc = "a signal for a select that does not block")
@State
public class SelectorWakeupTest {
    private final WakeupLatch latch = new WakeupLatch();

    @Actor
    public void select(II_Result r) {
        r.r1 = latch.beginWait() ? 1 : 0;
    }

    @Actor
    public void waker(II_Result r) {
        r.r2 = latch.wakeup() ? 1 : 0;
    }
}
