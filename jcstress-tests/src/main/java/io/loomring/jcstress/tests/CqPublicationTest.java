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
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * CQ publication with wrap-around: a kernel that writes each CQE and then release-stores the tail,
 * against the library's {@link CompletionQueue#reap}, which acquire-loads the tail before reading.
 *
 * <p>The CQ has two slots. Before the race CQEs 1 and 2 were posted and reaped, so both slots hold
 * last lap's entries and the counters stand at {@code -2} + 2 = 0, past the 32-bit wrap. The kernel
 * posts CQEs 3 and 4 into those slots while the application reaps three times; the arbiter reaps
 * the rest.
 *
 * <p>Result: (CQEs the application reaped during the race, 1 if it saw exactly 1..4 in order,
 * each complete). Forbidden: last lap's CQE read as new, a torn CQE, a loss or a repeat.
 *
 * <p>On x86 a plain store in place of the kernel's release store of the tail would almost never
 * show a reordering, so the broken twin
 * {@code io.loomring.jcstress.broken.CqTailPublishedBeforeEntryTest} publishes the tail before
 * writing the entry instead.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the application looked before the kernel posted")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "the application saw CQE 3 only")
@Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "the application saw CQEs 3 and 4")
@Outcome(expect = Expect.FORBIDDEN, desc = "a stale, torn, lost or repeated CQE")
@State
public class CqPublicationTest {
    static final int START = -2;

    private final SimulatedRing ring = new SimulatedRing(2, 2, 0, START);
    private final CompletionQueue cq = ring.completionQueue();
    private final CqeLog log = new CqeLog();

    public CqPublicationTest() {
        ring.postCqe(1, 10, 0);
        ring.postCqe(2, 20, 0);
        cq.reap(log);
    }

    @Actor
    public void kernel() {
        ring.postCqe(3, 30, 0);
        ring.postCqe(4, 40, 0);
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
