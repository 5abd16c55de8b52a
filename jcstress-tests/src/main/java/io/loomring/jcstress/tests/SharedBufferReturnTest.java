package io.loomring.jcstress.tests;

import io.loomring.poller.MultishotReceive;
import io.loomring.ring.BufferRing;
import io.loomring.ring.SimulatedBufferKernel;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A provided buffer filled incrementally holds the bytes of two sockets: it must go back to the
 * ring only once both have read theirs. The library's {@link MultishotReceive#take} on two
 * sockets, against a kernel that refills every buffer the moment it is back in the ring.
 *
 * <p>The ring has one buffer of 16 bytes. The kernel has filled its first 8 with 1 for socket A's
 * receive (keeping the buffer, {@code F_BUF_MORE}) and its last 8 with 1 for socket B's (done with
 * it). A's reader and B's reader each take their 8 bytes, in two threads; B's thread then plays the
 * kernel, which takes the buffer again if the ring's tail shows it and fills it with 2 (two actors:
 * jcstress runs no more threads than this machine has cores).
 *
 * <p>Result: (1 if the kernel refilled the buffer, 1 if A got eight 1s, 1 if B got eight 1s).
 * Forbidden: a reader got any byte of the next receive. The broken twin
 * {@code io.loomring.jcstress.broken.SharedBufferReturnedAtFirstChunkTest} hands the buffer back
 * when its first chunk is read.
 */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "the kernel looked before A released the buffer")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "the kernel refilled the buffer after both copies")
@Outcome(expect = Expect.FORBIDDEN, desc = "a reader got bytes of a later receive")
@State
public class SharedBufferReturnTest {
    static final int HALF = 8;

    private final BufferRing ring = new BufferRing(0, 1, 2 * HALF);
    private final SimulatedBufferKernel kernel = new SimulatedBufferKernel(ring);
    private final MultishotReceive a = new MultishotReceive(3, () -> { });
    private final MultishotReceive b = new MultishotReceive(4, () -> { });
    private final MemorySegment dstA = MemorySegment.ofArray(new byte[HALF]);
    private final MemorySegment dstB = MemorySegment.ofArray(new byte[HALF]);

    public SharedBufferReturnTest() {
        int bid = kernel.fillNext((byte) 1, 2 * HALF); // both receives' bytes
        a.useBuffers(ring);
        b.useBuffers(ring);
        a.deliver(bid, HALF, true);
        b.deliver(bid, HALF, false);
    }

    @Actor
    public void readerA(III_Result r) {
        a.take(dstA, 0, HALF);
        r.r2 = BufferReturnTest.allOnes(dstA) ? 1 : 0;
    }

    @Actor
    public void readerBThenKernel(III_Result r) {
        b.take(dstB, 0, HALF);
        r.r3 = BufferReturnTest.allOnes(dstB) ? 1 : 0;
        r.r1 = kernel.fillNext((byte) 2, 2 * HALF) >= 0 ? 1 : 0;
    }
}
