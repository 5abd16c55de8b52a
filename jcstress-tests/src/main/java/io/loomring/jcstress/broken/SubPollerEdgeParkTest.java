package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.IdleSubPoller;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import io.loomring.poller.Request;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.SubPollerParkTest}: the master's await on the
 * sub-poller's kernel fd is armed edge-triggered, as an {@code EPOLLET} registration or a multishot
 * poll armed after the fact would be: only a signal that comes after the arm fires it. A producer
 * that offers between the sub-poller's re-check and its arm signals an eventfd nobody polls yet,
 * and the sub-poller parks for good. Expected to report the forbidden outcome {@code "2, 1"}.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the sub-poller's round or re-check found the request")
@Outcome(id = "2, 0", expect = Expect.ACCEPTABLE, desc = "parked; the signal completed the master's await")
@Outcome(id = "2, 1", expect = Expect.FORBIDDEN, desc = "parked for good with a request queued: lost")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class SubPollerEdgeParkTest {
    private static final Request REQUEST = new Request.Continuation(() -> { });
    private final IdleSubPoller idle = new IdleSubPoller(false);
    private int decision;

    @Actor
    public void producer() {
        idle.offer(REQUEST);
    }

    @Actor
    public void subPoller() {
        decision = idle.goIdle();
    }

    @Arbiter
    public void outcome(II_Result r) {
        r.r1 = decision;
        r.r2 = idle.lostRequest(decision) ? 1 : 0;
    }
}
