package io.loomring.ring;

import static io.loomring.ring.RingConstants.CQE_SIZE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The application side of the completion queue, over memory handed to it.
 *
 * <p>Ordering, as the kernel documents it: load the CQ tail with <em>acquire</em> (so the CQEs the
 * kernel wrote before its release store are visible), read the entries, then store the CQ head
 * with <em>release</em> (so the kernel, loading the head with acquire, never overwrites an entry
 * that is still being read).
 *
 * <p>Not thread-safe: one thread (the poller) owns the queue.
 */
public final class CompletionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Receives completions, in ring order. */
    @FunctionalInterface
    public interface Handler {
        /** One CQE: its user_data, result (negative errno on failure) and flags. */
        void onCompletion(long userData, int res, int flags);
    }

    private final MemorySegment ring;
    private final long headOffset;
    private final long tailOffset;
    private final long cqesOffset;
    private final long overflowOffset;
    private final int mask;
    private final int entries;
    private int localHead;

    /**
     * @param ring    the CQ ring (head, tail, mask, entries, overflow, CQEs)
     * @param offsets where the fields sit inside {@code ring}
     */
    public CompletionQueue(MemorySegment ring, RingOffsets offsets) {
        this.ring = ring;
        this.headOffset = offsets.cqHead();
        this.tailOffset = offsets.cqTail();
        this.cqesOffset = offsets.cqes();
        this.overflowOffset = offsets.cqOverflow();
        this.mask = ring.get(ValueLayout.JAVA_INT, offsets.cqMask());
        this.entries = ring.get(ValueLayout.JAVA_INT, offsets.cqEntries());
        this.localHead = (int) INT.getAcquire(ring, headOffset); // acquire: as every read of a kernel-shared index
    }

    /** Number of CQ slots. */
    public int entries() {
        return entries;
    }

    /** Completions posted and not yet reaped. */
    public int ready() {
        // Acquire: pairs with the kernel's release store of the tail (CQEs below it are written).
        return (int) INT.getAcquire(ring, tailOffset) - localHead;
    }

    /** CQEs the kernel had to drop (only when it could not allocate overflow entries). */
    public int overflow() {
        return (int) INT.getAcquire(ring, overflowOffset); // acquire: a counter the kernel bumps
    }

    /**
     * Hands every completion visible now to {@code handler}, then releases their slots to the
     * kernel. The head is released even when the handler throws, so no entry is ever read twice.
     *
     * @return how many completions were handled
     */
    public int reap(Handler handler) {
        final int start = localHead;
        int head = start;
        // Acquire: pairs with the kernel's release store of the tail, so every CQE below it is
        // visible before it is read here.
        int tail = (int) INT.getAcquire(ring, tailOffset);
        try {
            while (head != tail) {
                long cqe = cqesOffset + (long) (head & mask) * CQE_SIZE;
                long userData = ring.get(ValueLayout.JAVA_LONG, cqe + RingConstants.CQE_USER_DATA);
                int res = ring.get(ValueLayout.JAVA_INT, cqe + RingConstants.CQE_RES);
                int flags = ring.get(ValueLayout.JAVA_INT, cqe + RingConstants.CQE_FLAGS);
                head++;
                handler.onCompletion(userData, res, flags);
            }
        } finally {
            if (head != start) {
                localHead = head;
                // Release: the reads of these CQEs happen before the kernel, which loads the head
                // with acquire, may write their slots again.
                INT.setRelease(ring, headOffset, head);
            }
        }
        return head - start;
    }
}
