package io.loomring.jcstress.sim;

import io.loomring.ring.CompletionQueue;
import io.loomring.ring.RingConstants;
import io.loomring.ring.RingOffsets;
import io.loomring.ring.SubmissionQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * An io_uring SQ ring, SQE array and CQ ring laid out as the kernel lays them out, in ordinary
 * memory, so that a test thread can play the kernel against the library's real
 * {@link SubmissionQueue} and {@link CompletionQueue}.
 *
 * <p>The kernel side follows the kernel's own rule: it loads the SQ tail and the CQ head with
 * <em>acquire</em> and stores the SQ head and the CQ tail with <em>release</em>, through the same
 * {@link ValueLayout#JAVA_INT} var handle on the same segments the library uses. The kernel-owned
 * positions (SQ head, CQ tail) are also kept in plain fields, as the kernel keeps its cached copies.
 *
 * <p>Memory comes from {@link Arena#ofAuto()}: jcstress creates a state object per sample, and
 * the segments are freed with it.
 */
public final class SimulatedRing {
    /** Field offsets, shared by both rings: head and tail on their own cache lines, as in the kernel. */
    public static final RingOffsets OFFSETS = new RingOffsets(
            0, 64, 128, 132, 136, 192,
            0, 64, 128, 132, 136, 192);

    /** Byte the SQE array and CQE slots are filled with before the test: what a stale read returns. */
    public static final byte STALE = 0x5A;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment sqRing;
    private final MemorySegment sqes;
    private final MemorySegment cqRing;
    private final int sqMask;
    private final int cqMask;
    private final int cqEntries;
    /** Kernel-owned: the next SQ position the kernel consumes. */
    private int sqHead;
    /** Kernel-owned: the next CQ position the kernel fills. */
    private int cqTail;

    /**
     * @param sqEntries SQ size, a power of two
     * @param cqEntries CQ size, a power of two
     * @param sqStart   the SQ head and tail before the test (pre-advanced to exercise wrap-around)
     * @param cqStart   the CQ head and tail before the test
     */
    public SimulatedRing(int sqEntries, int cqEntries, int sqStart, int cqStart) {
        if (Integer.bitCount(sqEntries) != 1 || Integer.bitCount(cqEntries) != 1) {
            throw new IllegalArgumentException("ring sizes must be powers of two: " + sqEntries + ", " + cqEntries);
        }
        Arena arena = Arena.ofAuto();
        sqRing = arena.allocate(OFFSETS.sqRingSize(sqEntries), 64);
        sqes = arena.allocate((long) RingConstants.SQE_SIZE * sqEntries, 64);
        cqRing = arena.allocate(OFFSETS.cqRingSize(cqEntries), 64);
        sqes.fill(STALE);
        cqRing.asSlice(OFFSETS.cqes()).fill(STALE);
        sqRing.asSlice(OFFSETS.sqArray()).fill(STALE);
        sqMask = sqEntries - 1;
        cqMask = cqEntries - 1;
        this.cqEntries = cqEntries;
        sqRing.set(ValueLayout.JAVA_INT, OFFSETS.sqMask(), sqMask);
        sqRing.set(ValueLayout.JAVA_INT, OFFSETS.sqEntries(), sqEntries);
        cqRing.set(ValueLayout.JAVA_INT, OFFSETS.cqMask(), cqMask);
        cqRing.set(ValueLayout.JAVA_INT, OFFSETS.cqEntries(), cqEntries);
        sqRing.set(ValueLayout.JAVA_INT, OFFSETS.sqHead(), sqStart);
        sqRing.set(ValueLayout.JAVA_INT, OFFSETS.sqTail(), sqStart);
        cqRing.set(ValueLayout.JAVA_INT, OFFSETS.cqHead(), cqStart);
        cqRing.set(ValueLayout.JAVA_INT, OFFSETS.cqTail(), cqStart);
        sqHead = sqStart;
        cqTail = cqStart;
    }

    /** The application's submission queue over this ring (the library's real class). */
    public SubmissionQueue submissionQueue() {
        return new SubmissionQueue(sqRing, sqes, OFFSETS);
    }

    /** The application's completion queue over this ring (the library's real class). */
    public CompletionQueue completionQueue() {
        return new CompletionQueue(cqRing, OFFSETS);
    }

    /** The CQ ring memory, for broken twins that replace the library's consumer with a wrong one. */
    public MemorySegment cqRingSegment() {
        return cqRing;
    }

    // ------------------------------------------------------------------ kernel side: SQ

    /** Kernel: the SQ tail, loaded with acquire. */
    public int sqTailAcquire() {
        return (int) INT.getAcquire(sqRing, (long) OFFSETS.sqTail());
    }

    /** Kernel: the next SQ position to consume. */
    public int sqHead() {
        return sqHead;
    }

    /** Kernel: consumed every entry before {@code head}; stores the SQ head with release. */
    public void releaseSqHead(int head) {
        sqHead = head;
        INT.setRelease(sqRing, (long) OFFSETS.sqHead(), head);
    }

    /** Kernel: the SQE index the application put in the array for SQ position {@code pos}. */
    public int sqIndexAt(int pos) {
        return sqRing.get(ValueLayout.JAVA_INT, OFFSETS.sqArray() + 4L * (pos & sqMask));
    }

    /** Kernel: true when {@code index} names an SQE of this ring (a stale array slot may not). */
    public boolean isSqeIndex(int index) {
        return index >= 0 && index <= sqMask;
    }

    /** Kernel: the opcode of SQE {@code index}. */
    public byte sqeOpcode(int index) {
        return sqes.get(ValueLayout.JAVA_BYTE, sqeBase(index) + RingConstants.SQE_OPCODE);
    }

    /** Kernel: the user_data of SQE {@code index}. */
    public long sqeUserData(int index) {
        return sqes.get(ValueLayout.JAVA_LONG, sqeBase(index) + RingConstants.SQE_USER_DATA);
    }

    /**
     * Kernel: true when SQE {@code index} is exactly a POLL_ADD of {@code events} on {@code fd} with
     * {@code userData}, every other byte zero: neither stale nor half written.
     */
    public boolean isPollAdd(int index, int fd, int events, long userData) {
        long base = sqeBase(index);
        for (long o = 0; o < RingConstants.SQE_SIZE; o += 8) {
            long expected = 0L;
            if (o == 0) {
                expected = (RingConstants.OP_POLL_ADD & 0xFFL) | ((long) fd << 32);
            } else if (o == 24) {
                expected = (long) events << 32; // len 0, poll32_events
            } else if (o == RingConstants.SQE_USER_DATA) {
                expected = userData;
            }
            if (sqes.get(ValueLayout.JAVA_LONG, base + o) != expected) {
                return false;
            }
        }
        return true;
    }

    private long sqeBase(int index) {
        return (long) index * RingConstants.SQE_SIZE;
    }

    // ------------------------------------------------------------------ kernel side: CQ

    /** Kernel: the CQ head, loaded with acquire. */
    public int cqHeadAcquire() {
        return (int) INT.getAcquire(cqRing, (long) OFFSETS.cqHead());
    }

    /** Kernel: the next CQ position to fill. */
    public int cqTail() {
        return cqTail;
    }

    /** Kernel: true when the slot at the CQ tail is free, judged by the head loaded with acquire. */
    public boolean cqHasRoom() {
        return cqTail - cqHeadAcquire() < cqEntries;
    }

    /** Kernel: writes a CQE at the tail position without publishing it (plain stores). */
    public void writeCqe(long userData, int res, int flags) {
        writeCqeAt(cqTail, userData, res, flags);
    }

    /** Kernel: writes a CQE at CQ position {@code pos} (plain stores). */
    public void writeCqeAt(int pos, long userData, int res, int flags) {
        long cqe = OFFSETS.cqes() + (long) (pos & cqMask) * RingConstants.CQE_SIZE;
        cqRing.set(ValueLayout.JAVA_LONG, cqe + RingConstants.CQE_USER_DATA, userData);
        cqRing.set(ValueLayout.JAVA_INT, cqe + RingConstants.CQE_RES, res);
        cqRing.set(ValueLayout.JAVA_INT, cqe + RingConstants.CQE_FLAGS, flags);
    }

    /** Kernel: publishes the CQE written at the tail (release store of tail + 1). */
    public void publishCqe() {
        cqTail++;
        INT.setRelease(cqRing, (long) OFFSETS.cqTail(), cqTail);
    }

    /** Kernel, the correct order: room check (acquire), write, publish (release). */
    public boolean postCqe(long userData, int res, int flags) {
        if (!cqHasRoom()) {
            return false;
        }
        writeCqe(userData, res, flags);
        publishCqe();
        return true;
    }

    /** Kernel: consumes every SQE published now and completes none of them (polls left waiting). */
    public void holdPublishedSqes() {
        releaseSqHead(sqTailAcquire());
    }

    /**
     * Kernel: consumes every SQE published now; each POLL_ADD completes at once with
     * {@code res} (an fd that is ready), other opcodes complete with nothing to report.
     */
    public void completePollAdds(int res) {
        int tail = sqTailAcquire();
        int head = sqHead;
        while (head != tail) {
            int index = sqIndexAt(head);
            if (isSqeIndex(index) && sqeOpcode(index) == RingConstants.OP_POLL_ADD) {
                long userData = sqeUserData(index);
                if (!postCqe(userData, res, 0)) {
                    break; // CQ full: the rest stays queued, as without NODROP overflow
                }
            }
            head++;
        }
        releaseSqHead(head);
    }
}
