package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.ParkedOperation;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.OperationCancelRaceTest}: the reader waits by
 * the readiness rule ({@code Await.awaitOutcome}, written out in {@code ParkedOperation}), deciding INTERRUPTED itself with its CAS,
 * asking for the cancel and returning without waiting for the operation's final completion. When
 * the kernel has already written the bytes and the poller's completion loses the CAS to the
 * interrupt, the bytes are dropped. Expected to report the forbidden {@code "0, 16, 1, 3"}.
 */
@JCStressTest
@Outcome(id = "16, 16, 0, 1", expect = Expect.ACCEPTABLE, desc = "the bytes came before the interrupt was seen")
@Outcome(id = "16, 16, 1, 1", expect = Expect.ACCEPTABLE, desc = "interrupted, cancel asked, but the bytes came first: delivered")
@Outcome(id = "-125, 0, 1, 1", expect = Expect.ACCEPTABLE, desc = "the cancel took effect first: -ECANCELED, no bytes written")
@Outcome(id = "0, 0, 1, 3", expect = Expect.ACCEPTABLE, desc = "the reader decided INTERRUPTED and the cancel took effect: nothing lost")
@Outcome(id = ".*, -1", expect = Expect.FORBIDDEN, desc = "the reader never returned")
@Outcome(id = "0, 16, .*", expect = Expect.FORBIDDEN, desc = "bytes written but not delivered: lost")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class OperationDecidesOwnCancelTest {
    private final ParkedOperation read = new ParkedOperation(ParkedOperation.Rule.OWN_OUTCOME);

    @Actor
    public void kernel() {
        read.kernelCompletesWithBytes();
    }

    @Actor
    public void interrupter() {
        read.thread().interrupt();
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r4 = read.join();
        r.r1 = read.delivered();
        r.r2 = read.written();
        r.r3 = read.cancelRequested() ? 1 : 0;
    }
}
