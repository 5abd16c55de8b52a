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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.CqConsumptionTest}: the application releases
 * the CQ head <em>before</em> it reads the entries ({@link HeadFirstCompletionQueue}), so the
 * kernel may refill a slot that is still to be read, and the application reads the newer CQE in
 * place of the older one. Expected to report the forbidden outcome.
 *
 * <p>A plain store in place of the release store of the head would almost never show a reordering
 * on x86 (loads are not reordered with later stores there), which is why this twin breaks the
 * order of operations instead.
 */
@JCStressTest
@Outcome(id = "0, [0-2], 1", expect = Expect.ACCEPTABLE, desc = "kernel found the ring full")
@Outcome(id = "1, [0-3], 1", expect = Expect.ACCEPTABLE, desc = "kernel reused one freed slot")
@Outcome(id = "2, [0-4], 1", expect = Expect.ACCEPTABLE, desc = "kernel reused both freed slots")
@Outcome(expect = Expect.FORBIDDEN, desc = "a CQE was lost, read twice, stale or overwritten before it was read")
@State
public class CqHeadReleasedBeforeReadTest {
    private final SimulatedRing ring = new SimulatedRing(2, 2, 0, Integer.MAX_VALUE - 1);
    private final HeadFirstCompletionQueue cq;
    private final CqeLog log = new CqeLog();
    private int posted;

    public CqHeadReleasedBeforeReadTest() {
        ring.postCqe(1, 10, 0);
        ring.postCqe(2, 20, 0);
        cq = new HeadFirstCompletionQueue(ring.cqRingSegment());
    }

    @Actor
    public void kernel(III_Result r) {
        for (int k = 3; k <= 4 && ring.postCqe(k, k * 10, 0); k++) {
            posted++;
        }
        r.r1 = posted;
    }

    @Actor
    public void application(III_Result r) {
        cq.reap(log);
        cq.reap(log); // a second look, racing with the kernel's refill of the freed slots
        r.r2 = log.count();
    }

    @Arbiter
    public void drain(III_Result r) {
        cq.reap(log);
        r.r3 = log.isExactly(2 + posted) ? 1 : 0;
    }
}
