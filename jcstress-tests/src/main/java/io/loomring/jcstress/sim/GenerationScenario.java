package io.loomring.jcstress.sim;

import static io.loomring.ffm.Poll.POLLIN;

import io.loomring.poller.Await;
import io.loomring.poller.Completion;
import io.loomring.poller.uring.SlotTable;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The generation race, as one object per sample (jcstress wants the actors declared on the test
 * class itself, so the real test and its broken twin both delegate here).
 *
 * <p>Await A is armed in slot S (the library's {@link SlotTable}); the kernel has taken its
 * POLL_ADD and has just completed it with an error ({@code -EBADF}: the fd was closed), a CQE the
 * poller has not reaped yet. Then, concurrently: A's thread gives up ({@link Completion#complete}
 * TIMED_OUT, then hands A back to the poller to disarm it), and the poller drains its queue
 * (releasing A's slot if A already gave up), arms await B (which reuses S whenever S is free),
 * publishes, and dispatches the completions by user_data. The arbiter then plays the kernel for
 * B's poll and lets the poller dispatch it.
 *
 * <p>The kernel does not run concurrently here (jcstress schedules at most as many actors as
 * there are CPUs, two on this machine); the ring tests cover the kernel's side of the ring.
 */
public final class GenerationScenario {
    /** What the kernel reports for A's poll: -EBADF (A's fd was closed; its number may be reused). */
    public static final int A_RESULT = -9;

    private final SimulatedRing ring = new SimulatedRing(4, 8, 0, 0);
    private final SimulatedPoller poller;
    private final Await a = new Await(Nobody.THREAD, 10, POLLIN);
    private final Await b = new Await(Nobody.THREAD, 11, POLLIN);
    private final long aUserData;
    private long bUserData;

    /** @param correct false for the broken twin's poller, which ignores generations */
    public GenerationScenario(boolean correct) {
        poller = correct ? new SimulatedPoller(ring) : new SlotOnlyPoller(ring);
        aUserData = poller.arm(a);
        poller.publish();
        ring.holdPublishedSqes(); // the kernel takes A's poll...
        ring.postCqe(aUserData, A_RESULT, 0); // ...and completes it; the CQE waits to be reaped
    }

    /** A's thread: its timeout fired. */
    public void awaitingThreadOfA() {
        if (a.complete(Completion.TIMED_OUT)) {
            poller.submit(a);
        }
    }

    /** The poller: drain, arm B, submit, dispatch. */
    public void pollerThread() {
        poller.drainRequests();
        bUserData = poller.arm(b);
        poller.publish();
        poller.reap();
    }

    /** After the race: let everything finish; (A's outcome, B's outcome, 1 if B reused A's slot). */
    public void settle(III_Result r) {
        poller.drainRequests();
        poller.publish();
        ring.completePollAdds(POLLIN);
        poller.reap();
        r.r1 = a.state();
        r.r2 = b.state();
        r.r3 = (int) bUserData == (int) aUserData ? 1 : 0;
    }

    /** The broken poller: its own slot-to-waiter map, with no generation comparison. */
    private static final class SlotOnlyPoller extends SimulatedPoller {
        private final Completion[] bySlot = new Completion[64];

        SlotOnlyPoller(SimulatedRing ring) {
            super(ring);
        }

        @Override
        protected void onAcquire(Completion w) {
            bySlot[slotOf(w)] = w;
        }

        @Override
        protected void release(Completion w) {
            bySlot[slotOf(w)] = null;
            super.release(w);
        }

        @Override
        protected Completion lookup(long userData) {
            return bySlot[(int) userData]; // wrong: the generation half of user_data is ignored
        }
    }
}
