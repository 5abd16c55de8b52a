package io.loomring.jcstress.tests;

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
 * A sub-poller going idle while an ordinary virtual thread hands it an await, on the library's
 * {@link io.loomring.poller.Inbox} and {@link io.loomring.poller.Await}. The sub-poller's round found nothing, so it calls
 * {@link io.loomring.poller.Inbox#prepareToSleep()}, re-checks, and parks on its master: it arms an await on its own
 * kernel fd there. The producer's {@link io.loomring.poller.Inbox#offer} signals a sleeping owner by writing its
 * eventfd, which makes that kernel fd readable; the kernel serialises that with the master's arm
 * (here: one lock), and a oneshot poll is level-checked when armed, so an eventfd written before
 * the arm still completes it.
 *
 * <p>Result: (the sub-poller worked on / parked, would park forever with the request queued).
 * Forbidden: {@code "2, 1"}, a parked sub-poller that no signal reaches while the await it was
 * handed waits in its queue: that await would never be armed. The broken twin
 * {@code io.loomring.jcstress.broken.SubPollerEdgeParkTest} arms the master's await edge-triggered
 * (only signals after the arm count), and loses exactly that request.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the sub-poller's round or re-check found the request")
@Outcome(id = "2, 0", expect = Expect.ACCEPTABLE, desc = "parked; the signal completed the master's await")
@Outcome(id = "2, 1", expect = Expect.FORBIDDEN, desc = "parked for good with a request queued: lost")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class SubPollerParkTest {
    private static final Request REQUEST = new Request.Continuation(() -> { });
    private final IdleSubPoller idle = new IdleSubPoller(true);
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
