package io.loomring.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where the kernel put each field inside the mapped SQ and CQ rings, as reported in
 * {@code io_uring_params.sq_off} and {@code cq_off} at setup.
 *
 * @param sqHead     offset of the SQ head (written by the kernel)
 * @param sqTail     offset of the SQ tail (written by the application)
 * @param sqMask     offset of the SQ ring mask
 * @param sqEntries  offset of the SQ entry count
 * @param sqFlags    offset of the SQ flags (NEED_WAKEUP, CQ_OVERFLOW, TASKRUN)
 * @param sqArray    offset of the SQ index array
 * @param cqHead     offset of the CQ head (written by the application)
 * @param cqTail     offset of the CQ tail (written by the kernel)
 * @param cqMask     offset of the CQ ring mask
 * @param cqEntries  offset of the CQ entry count
 * @param cqOverflow offset of the CQ overflow counter
 * @param cqes       offset of the CQE array
 */
public record RingOffsets(int sqHead, int sqTail, int sqMask, int sqEntries, int sqFlags, int sqArray,
                          int cqHead, int cqTail, int cqMask, int cqEntries, int cqOverflow, int cqes) {

    /** Reads the offsets out of a filled {@code io_uring_params}. */
    public static RingOffsets fromParams(MemorySegment params) {
        long sq = RingConstants.PARAMS_SQ_OFF;
        long cq = RingConstants.PARAMS_CQ_OFF;
        return new RingOffsets(
                i(params, sq), i(params, sq + 4), i(params, sq + 8), i(params, sq + 12), i(params, sq + 16),
                i(params, sq + 24),
                i(params, cq), i(params, cq + 4), i(params, cq + 8), i(params, cq + 12), i(params, cq + 16),
                i(params, cq + 20));
    }

    /** Bytes needed for the SQ ring part. */
    public long sqRingSize(int sqEntryCount) {
        return sqArray + 4L * sqEntryCount;
    }

    /** Bytes needed for the CQ ring part. */
    public long cqRingSize(int cqEntryCount) {
        return cqes + (long) RingConstants.CQE_SIZE * cqEntryCount;
    }

    private static int i(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_INT, offset);
    }
}
