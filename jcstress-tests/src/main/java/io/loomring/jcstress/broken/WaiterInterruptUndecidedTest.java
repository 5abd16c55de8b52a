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
 * Broken twin of {@code io.loomring.jcstress.tests.WaiterInterruptRaceTest}: on interrupt the
 * awaiting thread returns INTERRUPTED without deciding it (no CAS on the library's {@code Await}),
 * so it can act on an interrupt after the poller's completion has already won. Expected to report
 * the forbidden outcome {@code "1, 0, 3"}.
 *
 * <p>The state is volatile; on x86 a weaker store would almost never show a reordering here, so
 * the twin breaks the protocol (the missing decision) instead.
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "completion won, the await returned READY")
@Outcome(id = "0, 1, 3", expect = Expect.ACCEPTABLE, desc = "interrupt won, the await returned INTERRUPTED")
@Outcome(id = ".*, -1", expect = Expect.FORBIDDEN, desc = "the awaiting thread was never unparked")
@Outcome(expect = Expect.FORBIDDEN, desc = "no winner, two winners, or the await returned a loser")
@State
public class WaiterInterruptUndecidedTest {
    private final ParkedAwait await = new ParkedAwait(ParkedAwait::realWaiter, false);
    private int pollerWon;

    @Actor
    public void poller() {
        pollerWon = await.outcome().complete(Completion.READY) ? 1 : 0;
    }

    @Actor
    public void interrupter() {
        await.thread().interrupt();
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = await.join();
        r.r1 = pollerWon;
        r.r2 = await.decidedInterrupt() ? 1 : 0;
    }
}
