package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.ParkedAwait;
import io.loomring.poller.Completion;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.WaiterCancelRaceTest}: the outcome is decided by
 * {@link CheckThenSetWaiter}, which reads PENDING and then writes instead of one compare-and-set,
 * so both deciders can win. Expected to report the forbidden outcome (two winners).
 *
 * <p>The state is volatile in both versions; on x86 a weaker store would almost never show a
 * reordering here, so the twin breaks the atomicity of the decision instead.
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "completion won, the await returned READY")
@Outcome(id = "0, 1, 4", expect = Expect.ACCEPTABLE, desc = "cancel won, the await returned CANCELLED")
@Outcome(id = ".*, -1", expect = Expect.FORBIDDEN, desc = "the awaiting thread was never unparked")
@Outcome(expect = Expect.FORBIDDEN, desc = "no winner, two winners, or the await returned a loser")
@State
public class WaiterCancelCheckThenSetTest {
    private final ParkedAwait await = new ParkedAwait(CheckThenSetWaiter::new);
    private int pollerWon;
    private int cancellerWon;

    @Actor
    public void poller() {
        pollerWon = await.outcome().complete(Completion.READY) ? 1 : 0;
    }

    @Actor
    public void canceller() {
        cancellerWon = await.outcome().complete(Completion.CANCELLED) ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = await.join();
        r.r1 = pollerWon;
        r.r2 = cancellerWon;
    }
}
