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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Broken twin of {@code io.loomring.jcstress.tests.SharedBufferReturnTest}: the buffer counts only
 * the first socket's chunk, as a ring that hands a buffer back once "its" chunk is read would, so
 * the kernel (played by A's thread once A has read) may refill it while the second socket's reader
 * still copies its bytes out. Expected to report the forbidden outcome.
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "B copied before the refill")
@Outcome(expect = Expect.FORBIDDEN, desc = "a reader got bytes of a later receive")
@State
public class SharedBufferReturnedAtFirstChunkTest {
    static final int HALF = 8;

    private final BufferRing ring = new BufferRing(0, 1, 2 * HALF);
    private final SimulatedBufferKernel kernel = new SimulatedBufferKernel(ring);
    private final int bid;
    private final MemorySegment dstA = MemorySegment.ofArray(new byte[HALF]);
    private final MemorySegment dstB = MemorySegment.ofArray(new byte[HALF]);

    public SharedBufferReturnedAtFirstChunkTest() {
        bid = kernel.fillNext((byte) 1, 2 * HALF);
        ring.chunk(bid, HALF, false); // socket A's chunk; socket B's is not counted
    }

    @Actor
    public void readerAThenKernel(III_Result r) {
        ring.copy(bid, 0, dstA, 0, HALF);
        ring.release(bid); // the buffer goes back: B's bytes are still in it
        r.r2 = ones(dstA) ? 1 : 0;
        r.r1 = kernel.fillNext((byte) 2, 2 * HALF) >= 0 ? 1 : 0;
    }

    @Actor
    public void readerB(III_Result r) {
        ring.copy(bid, HALF, dstB, 0, HALF);
        r.r3 = ones(dstB) ? 1 : 0;
    }

    private static boolean ones(MemorySegment bytes) {
        boolean ones = true;
        for (int i = 0; i < HALF; i++) {
            ones &= bytes.get(ValueLayout.JAVA_BYTE, i) == 1;
        }
        return ones;
    }
}
