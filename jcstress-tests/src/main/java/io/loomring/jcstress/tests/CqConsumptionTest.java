package io.loomring.jcstress.tests;

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
 * CQ consumption with wrap-around: the library's {@link CompletionQueue#reap} against a kernel that
 * refills the slots the application frees.
 *
 * <p>The CQ has two slots and starts full: CQEs 1 and 2 sit at positions {@code MAX_VALUE - 1} and
 * {@code MAX_VALUE}, so the next positions wrap the 32-bit counters to negative numbers and the
 * slots are reused. The kernel posts CQEs 3 and 4, each only if its acquire load of the head shows
 * a free slot (write the entry, then release-store the tail); the application reaps twice
 * (each time: acquire-load the tail, read, release-store the head); afterwards the arbiter reaps the rest.
 *
 * <p>Result: (CQEs the kernel posted during the race, CQEs the application reaped during the race,
 * 1 if the application saw exactly 1..n in order, each complete). Forbidden: a lost, repeated,
 * stale, torn or overwritten CQE (last value 0).
 *
 * <p>On x86 a plain store in place of the application's release store of the head would almost
 * never show a reordering, so the broken twin
 * {@code io.loomring.jcstress.broken.CqHeadReleasedBeforeReadTest} releases the head before
 * reading the entries instead. Publication of the tail is {@link CqPublicationTest}.
 */
@JCStressTest
@Outcome(id = "0, [0-2], 1", expect = Expect.ACCEPTABLE, desc = "kernel found the ring full")
@Outcome(id = "1, [0-3], 1", expect = Expect.ACCEPTABLE, desc = "kernel reused one freed slot")
@Outcome(id = "2, [0-4], 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "kernel reused both freed slots")
@Outcome(expect = Expect.FORBIDDEN, desc = "a CQE was lost, read twice, stale or overwritten before it was read")
@State
public class CqConsumptionTest {
    static final int START = Integer.MAX_VALUE - 1;

    private final SimulatedRing ring = new SimulatedRing(2, 2, 0, START);
    private final CompletionQueue cq;
    private final CqeLog log = new CqeLog();
    private int posted;

    public CqConsumptionTest() {
        ring.postCqe(1, 10, 0);
        ring.postCqe(2, 20, 0);
        cq = ring.completionQueue();
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
