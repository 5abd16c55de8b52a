package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.CqeLog;
import io.loomring.jcstress.sim.SimulatedRing;
import io.loomring.ring.CompletionQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.CqPublicationTest}: the kernel release-stores
 * the CQ tail <em>before</em> it writes the entry, so the library's {@link CompletionQueue} (used
 * unchanged) can read last lap's CQE as a new one. Expected to report a forbidden outcome
 * ({@code "x, 0"}).
 *
 * <p>A plain store in place of the release store of the tail would almost never show a reordering
 * on x86 (stores are not reordered with other stores there), which is why this twin breaks the
 * order of operations instead.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the application looked before the kernel posted")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "the application saw CQE 3 only")
@Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "the application saw CQEs 3 and 4")
@Outcome(expect = Expect.FORBIDDEN, desc = "a stale, torn, lost or repeated CQE")
@State
public class CqTailPublishedBeforeEntryTest {
    private final SimulatedRing ring = new SimulatedRing(2, 2, 0, -2);
    private final CompletionQueue cq = ring.completionQueue();
    private final CqeLog log = new CqeLog();

    public CqTailPublishedBeforeEntryTest() {
        ring.postCqe(1, 10, 0);
        ring.postCqe(2, 20, 0);
        cq.reap(log);
    }

    @Actor
    public void kernel() {
        for (int k = 3; k <= 4; k++) {
            int pos = ring.cqTail();
            ring.publishCqe(); // wrong: the slot becomes visible before it is filled
            ring.writeCqeAt(pos, k, k * 10, 0);
        }
    }

    @Actor
    public void application() {
        cq.reap(log);
        cq.reap(log);
        cq.reap(log);
    }

    @Arbiter
    public void drain(II_Result r) {
        r.r1 = log.count() - 2;
        cq.reap(log);
        r.r2 = log.isExactly(4) ? 1 : 0;
    }
}
