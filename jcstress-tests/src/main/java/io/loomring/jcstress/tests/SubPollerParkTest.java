package io.loomring.jcstress.tests;

import io.loomring.poller.Inbox;
import io.loomring.poller.Waiter;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A sub-poller going idle while an ordinary virtual thread hands it an await, on the library's
 * {@link Inbox} and {@link Waiter}. The sub-poller's round found nothing, so it calls
 * {@link Inbox#prepareToSleep()}, re-checks, and parks on its master: it arms an await on its own
 * kernel fd there. The producer's {@link Inbox#offer} signals a sleeping owner by writing its
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
    private static final Object REQUEST = new Object();
    private static final int POLLIN = 0x001;

    private final Object kernel = new Object();
    /** The wakeup eventfd's counter (under {@code kernel}). */
    private int eventfd;
    /** The master's armed await on the sub-poller's kernel fd, not fired yet (under {@code kernel}). */
    private Waiter armed;
    private final Inbox inbox = new Inbox(this::signal);
    /** The sub-poller's own await on the master, once it parks. */
    private Waiter park;
    private int decision;

    /** The inbox's signal: write the eventfd; the kernel fd turns readable and fires an armed poll. */
    private void signal() {
        synchronized (kernel) {
            eventfd++;
            Waiter w = armed;
            if (w != null) {
                armed = null;
                w.complete(Waiter.READY);
            }
        }
    }

    @Actor
    public void producer() {
        inbox.offer(REQUEST);
    }

    @Actor
    public void subPoller() {
        if (inbox.poll() != null) {
            decision = 1;
            return;
        }
        inbox.prepareToSleep();
        if (!inbox.isEmpty()) {
            inbox.awake();
            decision = 1;
            return;
        }
        Waiter w = new Waiter(Thread.currentThread(), 0, POLLIN);
        park = w;
        synchronized (kernel) { // the master arms a oneshot poll: level-checked at arm
            if (eventfd > 0) {
                w.complete(Waiter.READY);
            } else {
                armed = w;
            }
        }
        decision = 2;
    }

    @Arbiter
    public void outcome(II_Result r) {
        r.r1 = decision;
        r.r2 = decision == 2 && park.isPending() && !inbox.isEmpty() ? 1 : 0;
    }
}
