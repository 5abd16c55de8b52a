package io.loomring.jcstress.tests;

import io.loomring.jcstress.sim.ParkedOperation;
import io.loomring.poller.RingOperation;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The completion-mode cancel race, on the library's {@link RingOperation#ofCurrentThread}: a virtual thread
 * reads with {@link RingOperation#awaitCompletion} ({@link ParkedOperation}) while the kernel completes
 * the read with 16 bytes and another thread interrupts the reader, which then asks for a cancel
 * that takes effect only if the bytes have not come yet (the kernel completes once).
 *
 * <p>Result: (what the read returned: bytes or -125 for {@code -ECANCELED}, bytes the kernel wrote,
 * cancel requested, state the await returned; -1 if it never returned). The bytes the kernel wrote
 * must be the bytes delivered, once: {@code "0, 16, ..."} would be bytes lost (they sit in the
 * buffer, and the next read cannot know). The await must return only on the final completion.
 *
 * <p>The broken twin {@code io.loomring.jcstress.broken.OperationDecidesOwnCancelTest} awaits by
 * the readiness rule instead: the interrupted reader decides INTERRUPTED itself and returns.
 */
@JCStressTest
@Outcome(id = "16, 16, 0, 1", expect = Expect.ACCEPTABLE, desc = "the bytes came before the interrupt was seen")
@Outcome(id = "16, 16, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "interrupted, cancel asked, but the bytes came first: delivered")
@Outcome(id = "-125, 0, 1, 1", expect = Expect.ACCEPTABLE, desc = "the cancel took effect first: -ECANCELED, no bytes written")
@Outcome(id = ".*, -1", expect = Expect.FORBIDDEN, desc = "the reader never returned")
@Outcome(id = "0, 16, .*", expect = Expect.FORBIDDEN, desc = "bytes written but not delivered: lost")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else: bytes delivered that were not written, or a wrong result")
@State
public class OperationCancelRaceTest {
    private final ParkedOperation read = new ParkedOperation(ParkedOperation.Rule.COMPLETION_DECIDES);

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
