package io.loomring.jcstress.broken;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import io.loomring.poller.Request;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.InboxCloseRaceTest}, on
 * {@link UnbracketedInbox}: the producer checks {@code closed} outside any producers-in-flight
 * bracket, so the owner's {@code close()} does not wait for an offer already past its check, and
 * the owner's drain can finish before that offer lands. Expected to report a forbidden
 * {@code "0, 0, ..."}: neither refused nor drained, the request is lost.
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 1", expect = Expect.ACCEPTABLE, desc = "closed first: the offer was refused, the producer keeps the request")
@Outcome(id = "0, 1, 0, 0", expect = Expect.ACCEPTABLE, desc = "taken; the owner's re-check saw it, no signal needed")
@Outcome(id = "0, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "taken; the re-check saw it and the producer signalled too")
@Outcome(id = "0, 1, 1, 1", expect = Expect.ACCEPTABLE, desc = "taken while the owner would sleep; the producer's signal wakes it")
@Outcome(id = "0, 0, .*", expect = Expect.FORBIDDEN, desc = "neither refused nor drained: the request is lost")
@Outcome(id = "1, 1, .*", expect = Expect.FORBIDDEN, desc = "both refused and drained: the request runs twice")
@Outcome(id = "0, 1, 0, 1", expect = Expect.FORBIDDEN, desc = "taken, the owner would sleep, and nobody signals: missed wakeup")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class InboxUnbracketedCloseTest {
    private static final Request REQUEST = new Request.Continuation(() -> { });
    private int signals;
    private final UnbracketedInbox inbox = new UnbracketedInbox(() -> signals++);

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
