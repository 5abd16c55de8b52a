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
 * Broken twin of {@code io.loomring.jcstress.tests.CqConsumptionTest}: the kernel publishes the CQ
 * tail <em>before</em> it writes the entry, so the library's {@link CompletionQueue} (used
 * unchanged here) may read the stale CQE that was in the slot one lap earlier. Expected to report
 * the forbidden outcome.
 *
 * <p>A plain store in place of the release store of the tail would almost never show a reordering
 * on x86, which is why this twin breaks the order of operations instead.
 */
@JCStressTest
@Outcome(id = "0, [0-2], 1", expect = Expect.ACCEPTABLE, desc = "kernel found the ring full")
@Outcome(id = "1, [0-3], 1", expect = Expect.ACCEPTABLE, desc = "kernel reused one freed slot")
@Outcome(id = "2, [0-4], 1", expect = Expect.ACCEPTABLE, desc = "kernel reused both freed slots")
@Outcome(expect = Expect.FORBIDDEN, desc = "a CQE was lost, read twice, stale or overwritten before it was read")
@State
public class CqTailPublishedBeforeEntryTest {
    private final SimulatedRing ring = new SimulatedRing(2, 2, 0, Integer.MAX_VALUE - 1);
    private final CompletionQueue cq;
    private final CqeLog log = new CqeLog();
    private int posted;

    public CqTailPublishedBeforeEntryTest() {
        ring.postCqe(1, 10, 0);
        ring.postCqe(2, 20, 0);
        cq = ring.completionQueue();
    }

    @Actor
    public void kernel(III_Result r) {
        for (int k = 3; k <= 4 && ring.cqHasRoom(); k++) {
            // Wrong order: publish the slot, then fill it.
            int slotOwner = ring.cqTail();
            ring.publishCqe();
            ring.writeCqeAt(slotOwner, k, k * 10, 0);
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
