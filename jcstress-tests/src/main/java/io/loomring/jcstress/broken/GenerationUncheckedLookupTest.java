package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.GenerationScenario;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.GenerationRaceTest}: the poller finds a
 * completion's waiter by the slot number alone, without comparing the generation, so A's late
 * completion wakes B once B has reused A's slot. Expected to report the forbidden outcome
 * {@code "2, 5, 1"}.
 *
 * <p>The slot table is used by the poller thread only, so no weakening of memory ordering could
 * show this bug; the twin removes the check itself.
 */
@JCStressTest
@Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "A timed out, B reused its slot, A's stale CQE was dropped")
@Outcome(id = "2, 1, 0", expect = Expect.ACCEPTABLE, desc = "A timed out, B got another slot")
@Outcome(id = "5, 1, [01]", expect = Expect.ACCEPTABLE, desc = "A's completion reached A before it gave up")
@Outcome(id = "[0-9], 5, [01]", expect = Expect.FORBIDDEN, desc = "A's stale completion woke B")
@Outcome(expect = Expect.FORBIDDEN, desc = "an outcome was lost or doubled")
@State
public class GenerationUncheckedLookupTest {
    private final GenerationScenario scenario = new GenerationScenario(false);

    @Actor
    public void awaitingThreadOfA() {
        scenario.awaitingThreadOfA();
    }

    @Actor
    public void pollerThread() {
        scenario.pollerThread();
    }

    @Arbiter
    public void settle(III_Result r) {
        scenario.settle(r);
    }
}
