package io.loomring.jcstress.broken;

import io.loomring.poller.MpscQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.WakeupTwoProducersTest}: the gate lets a
 * producer claim the signal by reading SLEEPING and then writing SIGNALLED, instead of one CAS, so
 * both producers can claim it. Expected to report the forbidden outcome {@code "1, 1"}.
 *
 * <p>The state is volatile; on x86 a weaker store would almost never show a reordering here, so
 * the twin breaks the atomicity of the claim instead.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1"}, expect = Expect.ACCEPTABLE, desc = "exactly one producer signals")
@Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "nobody wakes the sleeping poller")
@Outcome(id = "1, 1", expect = Expect.FORBIDDEN, desc = "two signals for one sleep")
@State
public class WakeupCheckThenSetTest {
    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;
    private static final int SIGNALLED = 2;

    private final MpscQueue<Object> requests = new MpscQueue<>();
    private volatile int gate = AWAKE;

    public WakeupCheckThenSetTest() {
        gate = SLEEPING; // the poller announced its sleep and found the queue empty
    }

    private boolean shouldSignal() {
        if (gate != SLEEPING) {
            return false;
        }
        gate = SIGNALLED; // wrong: the other producer may have read SLEEPING too
        return true;
    }

    @Actor
    public void producer1(II_Result r) {
        requests.offer(Boolean.TRUE);
        r.r1 = shouldSignal() ? 1 : 0;
    }

    @Actor
    public void producer2(II_Result r) {
        requests.offer(Boolean.FALSE);
        r.r2 = shouldSignal() ? 1 : 0;
    }
}
