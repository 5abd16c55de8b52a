package io.loomring.jcstress.tests;

import io.loomring.poller.Inbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import io.loomring.poller.Request;

/**
 * The carrier's door for other threads, on the library's {@link Inbox}: a foreign thread hands
 * over a request (for a carrier: a carried thread's continuation) while the carrier gets ready to
 * sleep and then closes. The producer calls {@link Inbox#offer}; the owner calls
 * {@link Inbox#prepareToSleep()}, re-checks {@link Inbox#isEmpty()} (would it sleep?), then
 * {@link Inbox#close()}, and drains with {@link Inbox#poll()}. The signal passed to the inbox
 * counts the wakeups the producer sends.
 *
 * <p>Result: (offer refused, requests drained after close, signals sent, owner would sleep).
 * A request must be accounted for exactly once, refused or drained: {@code "0, 0, ..."} is a lost
 * continuation (its thread never runs again), {@code "1, 1, ..."} one that runs twice (the
 * producer also hands it elsewhere, as {@code Poller.execute} does). And a taken request must
 * either be seen by the owner's re-check or signal it: {@code "0, 1, 0, 1"} is a missed wakeup.
 *
 * <p>The sleep handshake is {@link io.loomring.poller.WakeupGate}'s, which
 * {@link WakeupHandshakeTest} and its broken twin already test alone; here it runs through the
 * inbox, and the drain says whether the request was really taken. The broken twin
 * {@code io.loomring.jcstress.broken.InboxUnbracketedCloseTest} checks {@code closed} without
 * counting itself as a producer in flight, so {@code close()} cannot wait for it.
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 1", expect = Expect.ACCEPTABLE, desc = "closed first: the offer was refused, the producer keeps the request")
@Outcome(id = "0, 1, 0, 0", expect = Expect.ACCEPTABLE, desc = "taken; the owner's re-check saw it, no signal needed")
@Outcome(id = "0, 1, 1, 0", expect = Expect.ACCEPTABLE_INTERESTING, desc = "taken; the re-check saw it and the producer signalled too")
@Outcome(id = "0, 1, 1, 1", expect = Expect.ACCEPTABLE, desc = "taken while the owner would sleep; the producer's signal wakes it")
@Outcome(id = "0, 0, .*", expect = Expect.FORBIDDEN, desc = "neither refused nor drained: the request is lost")
@Outcome(id = "1, 1, .*", expect = Expect.FORBIDDEN, desc = "both refused and drained: the request runs twice")
@Outcome(id = "0, 1, 0, 1", expect = Expect.FORBIDDEN, desc = "taken, the owner would sleep, and nobody signals: missed wakeup")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class InboxCloseRaceTest {
    private static final Request REQUEST = new Request.Continuation(() -> { });
    private int signals; // written by the producer inside offer, read by the arbiter after both actors
    private final Inbox inbox = new Inbox(() -> signals++);

    @Actor
    public void producer(IIII_Result r) {
        r.r1 = inbox.offer(REQUEST) ? 0 : 1;
    }

    @Actor
    public void owner(IIII_Result r) {
        inbox.prepareToSleep();
        r.r4 = inbox.isEmpty() ? 1 : 0;
        inbox.close();
        int drained = 0;
        while (inbox.poll() != null) {
            drained++;
        }
        r.r2 = drained;
    }

    @Arbiter
    public void signals(IIII_Result r) {
        r.r3 = signals;
    }
}
