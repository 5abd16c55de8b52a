package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.SimulatedRing;
import io.loomring.ring.CompletionQueue;
import io.loomring.ring.RingConstants;
import io.loomring.ring.RingOffsets;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A deliberately wrong CQ consumer for the broken twins: it acquires the tail correctly but
 * release-stores the new head <em>before</em> reading the entries, handing their slots back to the
 * kernel while they are still to be read. Everything else matches the library's
 * {@link CompletionQueue}.
 */
final class HeadFirstCompletionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final RingOffsets offsets = SimulatedRing.OFFSETS;
    private final int mask;
    private int localHead;

    HeadFirstCompletionQueue(MemorySegment ring) {
        this.ring = ring;
        this.mask = ring.get(ValueLayout.JAVA_INT, offsets.cqMask());
        this.localHead = (int) INT.getAcquire(ring, (long) offsets.cqHead());
    }

    int reap(CompletionQueue.Handler handler) {
        int start = localHead;
        int tail = (int) INT.getAcquire(ring, (long) offsets.cqTail());
        INT.setRelease(ring, (long) offsets.cqHead(), tail); // wrong: the slots are not read yet
        localHead = tail;
        for (int head = start; head != tail; head++) {
            long cqe = offsets.cqes() + (long) (head & mask) * RingConstants.CQE_SIZE;
            handler.onCompletion(
                    ring.get(ValueLayout.JAVA_LONG, cqe + RingConstants.CQE_USER_DATA),
                    ring.get(ValueLayout.JAVA_INT, cqe + RingConstants.CQE_RES),
                    ring.get(ValueLayout.JAVA_INT, cqe + RingConstants.CQE_FLAGS));
        }
        return tail - start;
    }
}
