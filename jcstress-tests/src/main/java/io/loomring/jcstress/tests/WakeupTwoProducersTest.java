package io.loomring.jcstress.tests;

import io.loomring.poller.MpscQueue;
import io.loomring.poller.WakeupGate;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two producers wake a sleeping poller, on the library's {@link WakeupGate} and {@link MpscQueue}:
 * the poller has announced its sleep and found the queue empty; both producers enqueue and ask
 * {@link WakeupGate#shouldSignal()}.
 *
 * <p>Result: (producer 1 signals, producer 2 signals). Exactly one must signal: none leaves the
 * poller asleep with two requests queued, two is a wasted wakeup syscall the gate promises to
 * avoid.
 *
 * <p>The broken twin {@code io.loomring.jcstress.broken.WakeupCheckThenSetTest} claims the signal
 * with a read and a write instead of one CAS.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1"}, expect = Expect.ACCEPTABLE, desc = "exactly one producer signals")
@Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "nobody wakes the sleeping poller")
@Outcome(id = "1, 1", expect = Expect.FORBIDDEN, desc = "two signals for one sleep")
@State
public class WakeupTwoProducersTest {
    private final WakeupGate gate = new WakeupGate();
    private final MpscQueue<Object> requests = new MpscQueue<>();

    public WakeupTwoProducersTest() {
        gate.prepareToSleep();
        if (!requests.isEmpty()) {
            throw new AssertionError("a fresh queue is empty");
        }
    }

    @Actor
    public void producer1(II_Result r) {
        requests.offer(Boolean.TRUE);
        r.r1 = gate.shouldSignal() ? 1 : 0;
    }

    @Actor
    public void producer2(II_Result r) {
        requests.offer(Boolean.FALSE);
        r.r2 = gate.shouldSignal() ? 1 : 0;
    }
}
