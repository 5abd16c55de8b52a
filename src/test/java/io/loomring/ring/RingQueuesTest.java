package io.loomring.ring;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.ffm.Errno;
import io.loomring.ffm.IoUringSyscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SQ and CQ over memory laid out as the kernel lays it out, with this test playing the kernel
 * (single-threaded; the concurrent orderings are the jcstress suite's job), and a real ring.
 */
class RingQueuesTest {
    /** SQ: head 0, tail 4, mask 8, entries 12, flags 16, array 64; CQ: head 0, tail 4, mask 8, entries 12, overflow 16, CQEs 64. */
    private static final RingOffsets OFFSETS = new RingOffsets(0, 4, 8, 12, 16, 64, 0, 4, 8, 12, 16, 64);

    private static MemorySegment ring(Arena arena, int entries, int start, boolean cq) {
        MemorySegment ring = arena.allocate(64 + (long) entries * (cq ? RingConstants.CQE_SIZE : 4), 64);
        ring.set(ValueLayout.JAVA_INT, 0, start);   // head
        ring.set(ValueLayout.JAVA_INT, 4, start);   // tail
        ring.set(ValueLayout.JAVA_INT, 8, entries - 1);
        ring.set(ValueLayout.JAVA_INT, 12, entries);
        return ring;
    }

    @Test
    void sqFillsZeroedEntriesPublishesAndReusesSlotsOnlyAfterTheKernelConsumedThem() {
        try (Arena arena = Arena.ofConfined()) {
            int entries = 4;
            MemorySegment sqRing = ring(arena, entries, -2, false); // wraps past 2^32 on the way
            MemorySegment sqes = arena.allocate((long) entries * RingConstants.SQE_SIZE, 64);
            sqes.fill((byte) 0xFF); // garbage a previous use could have left
            SubmissionQueue sq = new SubmissionQueue(sqRing, sqes, OFFSETS);

            for (int i = 0; i < entries; i++) {
                assertTrue(sq.pollAdd(10 + i, 0x1, 100 + i));
            }
            assertFalse(sq.pollAdd(99, 0x1, 999), "a full SQ refuses");
            assertEquals(-2, sqRing.get(ValueLayout.JAVA_INT, 4), "nothing visible before publish");
            assertEquals(entries, sq.publish());
            assertEquals(-2 + entries, sqRing.get(ValueLayout.JAVA_INT, 4));

            for (int pos = -2; pos < -2 + entries; pos++) {
                int index = sqRing.get(ValueLayout.JAVA_INT, 64 + 4L * (pos & (entries - 1)));
                long sqe = (long) index * RingConstants.SQE_SIZE;
                assertEquals(RingConstants.OP_POLL_ADD, sqes.get(ValueLayout.JAVA_BYTE, sqe));
                assertEquals(10 + (pos + 2), sqes.get(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_FD));
                assertEquals(100 + (pos + 2), sqes.get(ValueLayout.JAVA_LONG, sqe + RingConstants.SQE_USER_DATA));
                assertEquals(0x1, sqes.get(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_OP_FLAGS));
                // The kernel rejects POLL_ADD with stray addr/off/len/buf_index: all zero.
                assertEquals(0L, sqes.get(ValueLayout.JAVA_LONG, sqe + RingConstants.SQE_OFF));
                assertEquals(0L, sqes.get(ValueLayout.JAVA_LONG, sqe + RingConstants.SQE_ADDR));
                assertEquals(0, sqes.get(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_LEN));
                assertEquals(0L, sqes.get(ValueLayout.JAVA_LONG, sqe + 40));
                assertEquals(0L, sqes.get(ValueLayout.JAVA_LONG, sqe + 48));
                assertEquals(0L, sqes.get(ValueLayout.JAVA_LONG, sqe + 56));
            }

            // A short submission: the kernel consumes one entry; the rest stay queued.
            sqRing.set(ValueLayout.JAVA_INT, 0, -1);
            assertEquals(1, sq.free());
            assertEquals(entries - 1, sq.publish(), "unconsumed entries are submitted again");
            assertTrue(sq.pollRemove(100, 7));
            assertFalse(sq.pollRemove(101, 7));
            assertEquals(entries, sq.publish());
        }
    }

    @Test
    void cqReapsInOrderAcrossTheWrapAndReleasesTheHead() {
        try (Arena arena = Arena.ofConfined()) {
            int entries = 4;
            int start = Integer.MAX_VALUE - 1; // the counters wrap while reaping
            MemorySegment cqRing = ring(arena, entries, start, true);
            CompletionQueue cq = new CompletionQueue(cqRing, OFFSETS);
            List<Long> seen = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                int tail = cqRing.get(ValueLayout.JAVA_INT, 4);
                for (int i = 0; i < entries; i++) {
                    long cqe = 64 + (long) ((tail + i) & (entries - 1)) * RingConstants.CQE_SIZE;
                    cqRing.set(ValueLayout.JAVA_LONG, cqe, round * 10L + i);
                    cqRing.set(ValueLayout.JAVA_INT, cqe + 8, -i);
                }
                cqRing.set(ValueLayout.JAVA_INT, 4, tail + entries);
                assertEquals(entries, cq.ready());
                assertEquals(entries, cq.reap((userData, res, flags) -> {
                    assertEquals(-(int) (userData % 10), res);
                    seen.add(userData);
                }));
                assertEquals(tail + entries, cqRing.get(ValueLayout.JAVA_INT, 0), "head released");
                assertEquals(0, cq.reap((u, r, f) -> fail("nothing new")));
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 10L, 11L, 12L, 13L, 20L, 21L, 22L, 23L), seen);
        }
    }

    @Test
    void cqReleasesWhatWasHandledWhenTheHandlerThrows() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cqRing = ring(arena, 4, 0, true);
            CompletionQueue cq = new CompletionQueue(cqRing, OFFSETS);
            for (int i = 0; i < 3; i++) {
                cqRing.set(ValueLayout.JAVA_LONG, 64 + 16L * i, i);
            }
            cqRing.set(ValueLayout.JAVA_INT, 4, 3);
            assertThrows(IllegalStateException.class, () -> cq.reap((userData, res, flags) -> {
                if (userData == 1) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals(2, cqRing.get(ValueLayout.JAVA_INT, 0), "entries 0 and 1 were handled: never read twice");
            List<Long> rest = new ArrayList<>();
            cq.reap((userData, res, flags) -> rest.add(userData));
            assertEquals(List.of(2L), rest);
        }
    }

    @Test
    void realRingRunsNopsAndTimesOut() throws Exception {
        IoUring ring;
        try {
            ring = new IoUring(IoUringSyscalls.kernel(), 8);
        } catch (IoUringUnavailableException e) {
            org.junit.jupiter.api.Assumptions.abort("io_uring unavailable here: " + e.getMessage());
            return;
        }
        try {
            assertTrue(ring.sq().entries() >= 8);
            assertTrue(ring.cq().entries() >= 2 * 8);
            for (int i = 0; i < 3; i++) {
                assertTrue(ring.sq().prepare(RingConstants.OP_NOP, -1, 0, 0, 0, 1000 + i));
            }
            assertEquals(3, ring.enter(ring.sq().publish(), 3));
            List<Long> done = new ArrayList<>();
            assertEquals(3, ring.cq().reap((userData, res, flags) -> {
                assertEquals(0, res);
                done.add(userData);
            }));
            assertEquals(List.of(1000L, 1001L, 1002L), done);
            long start = System.nanoTime();
            assertEquals(-Errno.ETIME, ring.enterTimed(0, 1, 20_000_000L), "nothing to wait for: the timed wait expires");
            assertTrue(System.nanoTime() - start >= 15_000_000L, "the EXT_ARG timeout was honoured");
        } finally {
            ring.close();
            ring.close(); // idempotent
        }
    }

    @Test
    void ringSizeIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> new IoUring(IoUringSyscalls.kernel(), 0));
        assertThrows(IllegalArgumentException.class, () -> new IoUring(IoUringSyscalls.kernel(), RingConstants.MAX_ENTRIES + 1));
    }
}
