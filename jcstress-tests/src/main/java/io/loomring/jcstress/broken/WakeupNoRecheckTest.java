package io.loomring.jcstress.broken;

import io.loomring.poller.MpscQueue;
import io.loomring.poller.WakeupGate;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.WakeupHandshakeTest}: the poller looks at the
 * queue <em>before</em> announcing that it will sleep, and does not re-check after, so a request
 * enqueued in between finds the gate awake (no signal) while the poller goes to sleep on the empty
 * queue it saw. Expected to report the forbidden outcome {@code "0, 1"}.
 *
 * <p>A plain store in place of a release store would almost never show a reordering on x86, and
 * even the store-then-load reordering x86 does allow shows only when the store buffer and the
 * scheduler line up, so the twin breaks the order of operations instead.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "the poller saw the request; no signal needed")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "both: the poller saw it and the producer signalled")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "the poller sleeps, the producer's signal wakes it")
@Outcome(id = "0, 1", expect = Expect.FORBIDDEN, desc = "the poller sleeps and nobody signals: request lost")
@State
public class WakeupNoRecheckTest {
    private final WakeupGate gate = new WakeupGate();
    private final MpscQueue<Object> requests = new MpscQueue<>();

    @Actor
    public void producer(II_Result r) {
        requests.offer(Boolean.TRUE);
        r.r1 = gate.shouldSignal() ? 1 : 0;
    }

    @Actor
    public void poller(II_Result r) {
        boolean empty = requests.isEmpty(); // wrong: checked before prepareToSleep, never re-checked
        gate.prepareToSleep();
        r.r2 = empty ? 1 : 0;
    }
}
