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
 * The poller's sleep handshake, on the library's {@link WakeupGate} and {@link MpscQueue}: a
 * producer enqueues a request and then asks {@link WakeupGate#shouldSignal()}; the poller calls
 * {@link WakeupGate#prepareToSleep()} and then re-checks {@link MpscQueue#isEmpty()}.
 *
 * <p>Result: (producer signals, poller would sleep). Forbidden: {@code "0, 1"}, the poller sleeps on
 * an empty-looking queue and nobody signals it: the request is lost until some other wakeup.
 *
 * <p>Each side orders a volatile write before a volatile read (a Dekker pair). Unlike the ring's
 * release stores, whose plain-store replacement would almost never show a reordering on x86,
 * store-then-load is the one order x86 does relax, so weakening these accesses could show here
 * too, but only as often as the store buffer and the scheduler line up. The broken twin
 * {@code io.loomring.jcstress.broken.WakeupNoRecheckTest} breaks the order of the poller's two
 * steps instead, which fails reliably on any hardware.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "the poller's re-check found the request; no signal needed")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE_INTERESTING, desc = "both: the re-check found it and the producer signalled")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "the poller sleeps, the producer's signal wakes it")
@Outcome(id = "0, 1", expect = Expect.FORBIDDEN, desc = "the poller sleeps and nobody signals: request lost")
@State
public class WakeupHandshakeTest {
    private final WakeupGate gate = new WakeupGate();
    private final MpscQueue<Object> requests = new MpscQueue<>();

    @Actor
    public void producer(II_Result r) {
        requests.offer(Boolean.TRUE);
        r.r1 = gate.shouldSignal() ? 1 : 0;
    }

    @Actor
    public void poller(II_Result r) {
        gate.prepareToSleep();
        r.r2 = requests.isEmpty() ? 1 : 0;
    }
}
