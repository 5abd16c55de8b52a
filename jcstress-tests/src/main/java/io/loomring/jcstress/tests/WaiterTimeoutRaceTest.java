package io.loomring.jcstress.tests;

import io.loomring.jcstress.sim.Nobody;
import io.loomring.jcstress.sim.Decision;
import io.loomring.ffm.Poll;
import io.loomring.poller.Await;
import io.loomring.poller.Completion;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Outcome race, completion against timeout, on the library's {@link Await}: the poller decides
 * READY while the awaiting thread, its deadline passed, does what {@code IoScheduler} does: if the
 * state still reads PENDING, try to decide TIMED_OUT, then use whatever state won.
 *
 * <p>Result: (poller won, awaiting thread won, outcome the awaiting thread used, final state).
 * Exactly one must win, and the awaiting thread must act on the winner, never on its own lost
 * attempt.
 *
 * <p>The broken twin {@code io.loomring.jcstress.broken.WaiterTimeoutCheckThenSetTest} decides
 * with a read and a write instead of one CAS.
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 1", expect = Expect.ACCEPTABLE, desc = "completion won")
@Outcome(id = "0, 1, 2, 2", expect = Expect.ACCEPTABLE, desc = "timeout won")
@Outcome(expect = Expect.FORBIDDEN, desc = "no winner, two winners, or the awaiting thread used a loser")
@State
public class WaiterTimeoutRaceTest {
    private final Decision waiter = Decision.of(new Await(Nobody.THREAD, 10, Poll.POLLIN));

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
