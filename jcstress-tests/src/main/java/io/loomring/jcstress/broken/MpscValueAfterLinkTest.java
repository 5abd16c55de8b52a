package io.loomring.jcstress.broken;

import io.loomring.jcstress.sim.Received;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.MpscProducerConsumerTest}: the producer links
 * its node before storing the element ({@link BrokenMpscQueue.Defect#VALUE_AFTER_LINK}), so the
 * consumer can take an empty node and the element is lost. Expected to report a forbidden outcome
 * ({@code "x, 0"}).
 *
 * <p>On x86 a plain store in place of the release store of the link would almost never show a
 * reordering, so the twin breaks the order of operations instead.
 */
@JCStressTest
@Outcome(id = "[0-3], 1", expect = Expect.ACCEPTABLE, desc = "every element once, in order")
@Outcome(expect = Expect.FORBIDDEN, desc = "an element was lost, duplicated or reordered")
@State
public class MpscValueAfterLinkTest {
    private static final int[] PRODUCERS = {1};
    private final BrokenMpscQueue<Integer> queue = new BrokenMpscQueue<>(BrokenMpscQueue.Defect.VALUE_AFTER_LINK);
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
