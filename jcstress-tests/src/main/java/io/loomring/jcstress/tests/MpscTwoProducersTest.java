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
 * The library's {@link MpscQueue} under two concurrent producers (each offers two elements); the
 * consumer drains afterwards. jcstress runs at most as many actors as CPUs (two here), so the
 * consumer racing the producers is {@link MpscProducerConsumerTest}.
 *
 * <p>Result: (elements received, 1 if each arrived once and each producer's in its order).
 * Forbidden: anything but {@code "4, 1"}.
 *
 * <p>The broken twin {@code io.loomring.jcstress.broken.MpscSplitSwapTest} replaces the atomic
 * swap of the tail with a read and a write.
 */
@JCStressTest
@Outcome(id = "4, 1", expect = Expect.ACCEPTABLE, desc = "every element once, per-producer FIFO")
@Outcome(expect = Expect.FORBIDDEN, desc = "an element was lost, duplicated or reordered")
@State
public class MpscTwoProducersTest {
    private static final int[] PRODUCERS = {1, 2};
    private final MpscQueue<Integer> queue = new MpscQueue<>();

    @Actor
    public void producer1() {
        queue.offer(11);
        queue.offer(12);
    }

    @Actor
    public void producer2() {
        queue.offer(21);
        queue.offer(22);
    }

    @Arbiter
    public void consumer(II_Result r) {
        Received received = new Received();
        Integer v;
        while ((v = queue.poll()) != null) {
            received.add(v);
        }
        r.r1 = received.count();
        r.r2 = received.isComplete(PRODUCERS, 2) ? 1 : 0;
    }
}
