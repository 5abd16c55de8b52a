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
 * Broken twin of {@code io.loomring.jcstress.tests.MpscTwoProducersTest}: producers update the tail
 * with a read and a write instead of one atomic swap ({@link BrokenMpscQueue.Defect#SPLIT_SWAP}),
 * so two of them can link behind the same node and an element is lost. Expected to report a
 * forbidden outcome such as {@code "3, 0"}.
 *
 * <p>The fields are volatile; on x86 weakening them would almost never show a reordering, so the
 * twin breaks the atomicity of the swap instead.
 */
@JCStressTest
@Outcome(id = "4, 1", expect = Expect.ACCEPTABLE, desc = "every element once, per-producer FIFO")
@Outcome(expect = Expect.FORBIDDEN, desc = "an element was lost, duplicated or reordered")
@State
public class MpscSplitSwapTest {
    private static final int[] PRODUCERS = {1, 2};
    private final BrokenMpscQueue<Integer> queue = new BrokenMpscQueue<>(BrokenMpscQueue.Defect.SPLIT_SWAP);

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
