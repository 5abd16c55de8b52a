package io.loomring.jcstress.sim;

import static io.loomring.ffm.Poll.POLLIN;

import io.loomring.poller.Inbox;
import io.loomring.poller.Await;
import io.loomring.poller.Completion;
import io.loomring.poller.Request;

/**
 * A sub-poller going idle, on the library's {@link Inbox} and {@link Await}, with the kernel
 * played by one lock: the inbox's signal writes the wakeup eventfd, which makes the sub-poller's
 * kernel fd readable and fires the master's await on it if armed. {@link #goIdle} is the
 * sub-poller's side: a round, then {@link Inbox#prepareToSleep()}, a re-check, and the park on the
 * master, whose await is armed level-checked (a oneshot poll: an eventfd written before the arm
 * still fires it) or, for the broken twin, edge-triggered (only signals after the arm count).
 */
public final class IdleSubPoller {
    /** {@link #goIdle}: a round or the re-check found the request. */
    public static final int WORKED = 1;
    /** {@link #goIdle}: it parked on the master. */
    public static final int PARKED = 2;

    private final boolean levelChecked;
    private final Object kernel = new Object();
    /** The wakeup eventfd's counter (under {@code kernel}). */
    private int eventfd;
    /** The master's armed await on the kernel fd, not fired yet (under {@code kernel}). */
    private Await armed;
    private final Inbox inbox = new Inbox(this::signal);
    /** The sub-poller's own await on the master, once it parked. */
    private Await park;

    /** @param levelChecked true for the master's oneshot poll, false for the twin's edge-triggered one */
    public IdleSubPoller(boolean levelChecked) {
        this.levelChecked = levelChecked;
    }

    /** The producer's side: hands a request over, as an awaiting virtual thread does. */
    public void offer(Request request) {
        inbox.offer(request);
    }

    /** The sub-poller's side, once its rounds found nothing: returns {@link #WORKED} or {@link #PARKED}. */
    public int goIdle() {
        if (inbox.poll() != null) {
            return WORKED;
        }
        inbox.prepareToSleep();
        if (!inbox.isEmpty()) {
            inbox.awake();
            return WORKED;
        }
        Await w = new Await(Thread.currentThread(), 0, POLLIN);
        park = w;
        synchronized (kernel) { // the master arms its await on the kernel fd
            if (levelChecked && eventfd > 0) {
                w.complete(Completion.READY);
            } else {
                armed = w;
            }
        }
        return PARKED;
    }

    /** After both sides: true when it parked for good while a request waits in its queue. */
    public boolean lostRequest(int idleResult) {
        return idleResult == PARKED && park.isPending() && !inbox.isEmpty();
    }

    private void signal() {
        synchronized (kernel) {
            eventfd++;
            Await w = armed;
            if (w != null) {
                armed = null;
                w.complete(Completion.READY);
            }
        }
    }
}
