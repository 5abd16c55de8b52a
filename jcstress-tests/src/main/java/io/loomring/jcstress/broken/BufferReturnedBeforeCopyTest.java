package io.loomring.jcstress.broken;

import io.loomring.ring.BufferRing;
import io.loomring.ring.SimulatedBufferKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.BufferReturnTest}: the reader hands the buffer
 * back to the ring <em>before</em> it copies the bytes out, so the kernel may fill it with the next
 * receive first and the reader copies bytes that are not its own. Expected to report the forbidden
 * outcome.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "kernel looked before the buffer was back")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "kernel refilled the buffer after the copy")
@Outcome(expect = Expect.FORBIDDEN, desc = "the reader got bytes of a later receive")
@State
public class BufferReturnedBeforeCopyTest {
    static final int BYTES = 8;

    private final BufferRing ring = new BufferRing(0, 1, BYTES);
    private final SimulatedBufferKernel kernel = new SimulatedBufferKernel(ring);
    private final int bid;
    private final MemorySegment dst = MemorySegment.ofArray(new byte[BYTES]);

    public BufferReturnedBeforeCopyTest() {
        bid = kernel.fillNext((byte) 1, BYTES);
        ring.chunk(bid, BYTES, false);
    }

    @Actor
    public void kernel(II_Result r) {
        r.r1 = kernel.fillNext((byte) 2, BYTES) >= 0 ? 1 : 0;
    }

    @Actor
    public void reader(II_Result r) {
        ring.release(bid); // too early: the kernel may fill it before the copy below
        ring.copy(bid, 0, dst, 0, BYTES);
        boolean ones = true;
        for (int i = 0; i < BYTES; i++) {
            ones &= dst.get(ValueLayout.JAVA_BYTE, i) == 1;
        }
        r.r2 = ones ? 1 : 0;
    }
}
