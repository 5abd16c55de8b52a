package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.SimulatedRing;
import io.loomring.jcstress.tests.SqPublicationTest;
import io.loomring.ring.SubmissionQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@link SqPublicationTest}: the kernel reads the SQEs <em>before</em> it loads the
 * tail, so an entry the application fills and publishes in between is counted as seen while the
 * bytes read were the stale ones. Expected to report the forbidden outcome.
 *
 * <p>A plain store in place of the release store of the tail would almost never show a reordering
 * on x86 (stores are not reordered with other stores there), which is why this twin breaks the
 * order of operations instead.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "kernel looked before the first publication")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "kernel saw the first entry, complete")
@Outcome(id = "2, 2", expect = Expect.ACCEPTABLE, desc = "kernel saw both entries, complete")
@Outcome(expect = Expect.FORBIDDEN, desc = "a published SQE was stale or half written")
@State
public class SqKernelReadsEntryBeforeTailTest {
    private final SimulatedRing ring = new SimulatedRing(2, 2, -1, 0);
    private final SubmissionQueue sq = ring.submissionQueue();

    @Actor
    public void application() {
        sq.pollAdd(7, 0x1, 0x0000_0003_0000_0001L);
        sq.publish();
        sq.pollAdd(8, 0x4, 0x0000_0004_0000_0002L);
        sq.publish();
    }

    @Actor
    public void kernel(II_Result r) {
        // Wrong order: judge both entries first, then look at the tail.
        int completeIfPublished = SqPublicationTest.countComplete(ring, 2);
        int seen = ring.sqTailAcquire() + 1;
        r.r1 = seen;
        r.r2 = Math.min(completeIfPublished, seen);
    }
}
