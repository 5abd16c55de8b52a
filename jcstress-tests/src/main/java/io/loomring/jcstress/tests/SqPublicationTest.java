package io.loomring.jcstress.tests;

import static io.loomring.ffm.Poll.POLLIN;
import static io.loomring.ffm.Poll.POLLOUT;

import io.loomring.jcstress.sim.SimulatedRing;
import io.loomring.ring.SubmissionQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * SQ publication: the application ({@link SubmissionQueue#pollAdd} then {@link SubmissionQueue#publish},
 * twice) against a kernel that loads the SQ tail with acquire and only then reads the index array
 * and the SQEs up to that tail. Every entry the kernel can see must be complete: never the stale
 * bytes that were in the slot before, never half of the new entry.
 *
 * <p>The ring has two entries and starts at position {@code -1} (0xFFFFFFFF), so the tail wraps
 * past zero and the second entry wraps to slot 0 while the test runs.
 *
 * <p>Result: (entries the kernel saw, entries that were complete). Forbidden: any difference.
 *
 * <p>On x86 every store is a release store and every load an acquire load, so replacing the
 * library's release store of the tail with a plain one would almost never show a reordering here
 * (only the JIT could reorder it). The broken twin
 * {@code io.loomring.jcstress.broken.SqKernelReadsEntryBeforeTailTest} therefore breaks the order
 * of operations instead, and fails on this hardware too.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "kernel looked before the first publication")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "kernel saw the first entry, complete")
@Outcome(id = "2, 2", expect = Expect.ACCEPTABLE, desc = "kernel saw both entries, complete")
@Outcome(expect = Expect.FORBIDDEN, desc = "a published SQE was stale or half written")
@State
public class SqPublicationTest {
    static final int START = -1;
    static final int FD_1 = 7;
    static final int FD_2 = 8;
    static final long USER_DATA_1 = 0x0000_0003_0000_0001L;
    static final long USER_DATA_2 = 0x0000_0004_0000_0002L;

    private final SimulatedRing ring = new SimulatedRing(2, 2, START, 0);
    private final SubmissionQueue sq = ring.submissionQueue();

    @Actor
    public void application() {
        sq.pollAdd(FD_1, POLLIN, USER_DATA_1);
        sq.publish();
        sq.pollAdd(FD_2, POLLOUT, USER_DATA_2);
        sq.publish();
    }

    @Actor
    public void kernel(II_Result r) {
        int tail = ring.sqTailAcquire();
        r.r1 = tail - START;
        r.r2 = countComplete(ring, tail - START);
    }

    /** How many of the first {@code seen} entries, read now, are exactly what the application wrote. */
    public static int countComplete(SimulatedRing ring, int seen) {
        int complete = 0;
        for (int i = 0; i < seen && i < 2; i++) {
            int index = ring.sqIndexAt(START + i);
            boolean ok = ring.isSqeIndex(index) && (i == 0
                    ? ring.isPollAdd(index, FD_1, POLLIN, USER_DATA_1)
                    : ring.isPollAdd(index, FD_2, POLLOUT, USER_DATA_2));
            if (ok) {
                complete++;
            }
        }
        return complete;
    }
}
