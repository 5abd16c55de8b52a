package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.Nobody;
import io.loomring.jcstress.sim.Decision;
import io.loomring.poller.Completion;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.WaiterTimeoutRaceTest}: the outcome is decided by
 * {@link CheckThenSetWaiter}, which reads PENDING and then writes instead of one compare-and-set,
 * so both deciders can win. Expected to report the forbidden outcome (two winners).
 *
 * <p>The state is volatile in both versions; on x86 a weaker store would almost never show a
 * reordering here, so the twin breaks the atomicity of the decision instead.
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 1", expect = Expect.ACCEPTABLE, desc = "completion won")
@Outcome(id = "0, 1, 2, 2", expect = Expect.ACCEPTABLE, desc = "timeout won")
@Outcome(expect = Expect.FORBIDDEN, desc = "no winner, two winners, or the awaiting thread used a loser")
@State
public class WaiterTimeoutCheckThenSetTest {
    private final Decision waiter = new CheckThenSetWaiter(Nobody.THREAD);

    @Actor
    public void poller(IIII_Result r) {
        r.r1 = waiter.complete(Completion.READY) ? 1 : 0;
    }

    @Actor
    public void awaitingThreadAtDeadline(IIII_Result r) {
        int state = waiter.state();
        if (state == Completion.PENDING) {
            r.r2 = waiter.complete(Completion.TIMED_OUT) ? 1 : 0;
            state = waiter.state();
        }
        r.r3 = state;
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r4 = waiter.state();
    }
}
