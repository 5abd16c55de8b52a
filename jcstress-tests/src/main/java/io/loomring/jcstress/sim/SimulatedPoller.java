package io.loomring.jcstress.sim;

import io.loomring.poller.Await;
import io.loomring.poller.BackendAccess;
import io.loomring.poller.Completion;
import io.loomring.poller.MpscQueue;
import io.loomring.poller.uring.SlotTable;
import io.loomring.poller.uring.UserData;
import io.loomring.ring.CompletionQueue;
import io.loomring.ring.SubmissionQueue;

/**
 * The io_uring poller's per-request steps, on the library's real {@link SlotTable},
 * {@link Await}, {@link MpscQueue}, {@link SubmissionQueue} and {@link CompletionQueue}, over a
 * {@link SimulatedRing}: arm (slot + POLL_ADD), disarm after an outcome decided elsewhere (release
 * the slot, POLL_REMOVE), and dispatch of completions by user_data. The steps mirror
 * {@code IoUringBackend.arm}, {@code disarm}, {@code onCompletion} and {@code RequestDispatcher.drain},
 * which are not callable without a kernel ring; the classes they rely on are the real ones. It
 * reaches the requests' poller-owned slot as a backend does, through {@link BackendAccess}.
 *
 * <p>One thread at a time, like the poller thread.
 */
public class SimulatedPoller extends BackendAccess implements CompletionQueue.Handler {
    /** user_data of POLL_REMOVE requests, as the poller tags them (bit 63 set: never a slot). */
    public static final long TAG_REMOVE = UserData.TAG_REMOVE;

    protected final SlotTable slots = new SlotTable(16);
    private final MpscQueue<Await> requests = new MpscQueue<>();
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private int stale;

    /** A poller over {@code ring}'s submission and completion queues. */
    public SimulatedPoller(SimulatedRing ring) {
        this.sq = ring.submissionQueue();
        this.cq = ring.completionQueue();
    }

    /** Any thread: hands a waiter to the poller (to arm it, or to disarm it after its own outcome). */
    public void submit(Await w) {
        requests.offer(w);
    }

    /** Arms {@code w}: takes a slot and queues its POLL_ADD; returns its user_data. */
    public long arm(Await w) {
        long userData = slots.acquire(w);
        onAcquire(w);
        if (!sq.pollAdd(w.fd(), w.events(), userData)) {
            throw new IllegalStateException("simulated SQ full");
        }
        return userData;
    }

    /** Drains submitted waiters: disarms those armed whose outcome was decided elsewhere. */
    public void drainRequests() {
        Await w;
        while ((w = requests.poll()) != null) {
            if (slotOf(w) >= 0 && !w.isPending()) {
                long userData = SlotTable.userDataOf(w);
                release(w);
                if (!sq.pollRemove(userData, TAG_REMOVE)) {
                    throw new IllegalStateException("simulated SQ full");
                }
            }
        }
    }

    /** Makes the queued SQEs visible to the kernel. */
    public void publish() {
        sq.publish();
    }

    /** Dispatches every completion the kernel has posted. */
    public void reap() {
        cq.reap(this);
    }

    /** Completions dropped as stale. */
    public int stale() {
        return stale;
    }

    @Override
    public void onCompletion(long userData, int res, int flags) {
        if (userData < 0) {
            return;
        }
        Completion w = lookup(userData);
        if (w == null) {
            stale++;
            return;
        }
        release(w);
        if (res < 0) {
            w.fail(-res);
        } else {
            w.complete(Completion.READY);
        }
    }

    /** The waiter a completion names, or null when stale. Broken twins override this. */
    protected Completion lookup(long userData) {
        return slots.lookup(userData);
    }

    /** Hook: {@code w} just took a slot. */
    protected void onAcquire(Completion w) {
    }

    /** Frees {@code w}'s slot. */
    protected void release(Completion w) {
        slots.release(w);
    }
}
