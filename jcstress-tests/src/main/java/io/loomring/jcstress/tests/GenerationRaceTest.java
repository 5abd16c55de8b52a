package io.loomring.jcstress.tests;

import io.loomring.jcstress.sim.GenerationScenario;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Generation race: a stale completion for slot S against a new await that reuses S, on the
 * library's real {@code SlotTable}, {@code Await}, {@code MpscQueue} and ring classes (see
 * {@link GenerationScenario} for the steps).
 *
 * <p>Result: (A's outcome, B's outcome, 1 if B reused A's slot). A may time out (2) or fail with
 * A's error (5); B must end READY (1): never woken by A's stale completion (5), never left pending
 * (0) with its own completion lost.
 *
 * <p>The broken twin {@code io.loomring.jcstress.broken.GenerationUncheckedLookupTest} looks
 * waiters up by slot alone.
 */
@JCStressTest
@Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "A timed out, B reused its slot, A's stale CQE was dropped")
@Outcome(id = "2, 1, 0", expect = Expect.ACCEPTABLE, desc = "A timed out, B got another slot")
@Outcome(id = "5, 1, [01]", expect = Expect.ACCEPTABLE, desc = "A's completion reached A before it gave up")
@Outcome(id = "[0-9], 5, [01]", expect = Expect.FORBIDDEN, desc = "A's stale completion woke B")
@Outcome(expect = Expect.FORBIDDEN, desc = "an outcome was lost or doubled")
@State
public class GenerationRaceTest {
    private final GenerationScenario scenario = new GenerationScenario(true);

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
