package io.loomring.jcstress.tests;

import io.loomring.jcstress.sim.ParkedAwait;
import io.loomring.poller.Await;
import io.loomring.poller.Completion;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Outcome race, completion against interrupt, on the library's {@link Await}: a virtual thread
 * awaits as {@code IoScheduler} does ({@link ParkedAwait}); the poller decides READY while another
 * thread interrupts the awaiting thread, which then tries to decide INTERRUPTED itself.
 *
 * <p>Result: (poller won, awaiting thread won, outcome the await returned; -1 if it never returned
 * because nobody unparked it). Exactly one must win, and the await must return the winner.
 *
 * <p>The broken twin {@code io.loomring.jcstress.broken.WaiterInterruptUndecidedTest} returns
 * INTERRUPTED on interrupt without deciding it.
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "completion won, the await returned READY")
@Outcome(id = "0, 1, 3", expect = Expect.ACCEPTABLE, desc = "interrupt won, the await returned INTERRUPTED")
@Outcome(id = ".*, -1", expect = Expect.FORBIDDEN, desc = "the awaiting thread was never unparked")
@Outcome(expect = Expect.FORBIDDEN, desc = "no winner, two winners, or the await returned a loser")
@State
public class WaiterInterruptRaceTest {
    private final ParkedAwait await = new ParkedAwait(ParkedAwait::realWaiter);
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
