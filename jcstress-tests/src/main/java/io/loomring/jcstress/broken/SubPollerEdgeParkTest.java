package io.loomring.jcstress.broken;

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
        synchronized (kernel) { // wrong: edge-triggered, the eventfd already written is not looked at
            armed = w;
        }
        decision = 2;
    }

    @Arbiter
    public void outcome(II_Result r) {
        r.r1 = decision;
        r.r2 = decision == 2 && park.isPending() && !inbox.isEmpty() ? 1 : 0;
    }
}
