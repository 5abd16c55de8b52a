package io.loomring.jcstress.tests;

import io.loomring.jcstress.sim.Received;
import io.loomring.poller.MpscQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The library's {@link MpscQueue} with the consumer racing a producer: the producer offers three
 * elements while the consumer polls three times (a poll may find the queue empty, or find a node
 * swapped in but not yet linked, which it must wait for rather than skip); the arbiter takes the
 * rest.
 *
 * <p>Result: (elements the consumer got during the race, 1 if all three arrived once, in order).
 * Forbidden: a loss, a duplicate, a reordering, or a null element.
 *
 * <p>The broken twin {@code io.loomring.jcstress.broken.MpscValueAfterLinkTest} links a node into
 * the queue before storing its element.
 */
@JCStressTest
@Outcome(id = "[0-3], 1", expect = Expect.ACCEPTABLE, desc = "every element once, in order")
@Outcome(expect = Expect.FORBIDDEN, desc = "an element was lost, duplicated or reordered")
@State
public class MpscProducerConsumerTest {
    private static final int[] PRODUCERS = {1};
    private final MpscQueue<Integer> queue = new MpscQueue<>();
    private final Received received = new Received();
    private int duringRace;

    @Actor
    public void producer() {
        queue.offer(11);
        queue.offer(12);
        queue.offer(13);
    }

    @Actor
    public void consumer() {
        for (int i = 0; i < 3; i++) {
            received.add(queue.poll());
        }
        duringRace = received.count();
    }

    @Arbiter
    public void drain(II_Result r) {
        Integer v;
        while ((v = queue.poll()) != null) {
            received.add(v);
        }
        r.r1 = duringRace;
        r.r2 = received.isComplete(PRODUCERS, 3) ? 1 : 0;
    }
}
