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
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A provided buffer handed back while a read still uses it: the library's
 * {@link MultishotReceive#take} against a kernel that refills every buffer the moment it is back
 * in the ring.
 *
 * <p>The ring has one buffer. The kernel has filled it with 8 bytes of 1 (a receive) and the
 * receive has queued it. The reader takes the 8 bytes (copy, then hand the buffer back); the kernel
 * takes the buffer again as soon as the ring's tail shows it and fills it with 2 (the next receive).
 *
 * <p>Result: (1 if the kernel refilled the buffer during the race, 1 if the reader got eight 1s).
 * Forbidden: the reader got any byte of the next receive. The broken twin
 * {@code io.loomring.jcstress.broken.BufferReturnedBeforeCopyTest} hands the buffer back before it
 * copies.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "kernel looked before the buffer was back")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "kernel refilled the buffer after the copy")
@Outcome(expect = Expect.FORBIDDEN, desc = "the reader got bytes of a later receive")
@State
public class BufferReturnTest {
    static final int BYTES = 8;

    private final BufferRing ring = new BufferRing(0, 1, BYTES);
    private final SimulatedBufferKernel kernel = new SimulatedBufferKernel(ring);
    private final MultishotReceive receive = new MultishotReceive(3, () -> { });
    private final MemorySegment dst = MemorySegment.ofArray(new byte[BYTES]);

    public BufferReturnTest() {
        int bid = kernel.fillNext((byte) 1, BYTES);
        receive.useBuffers(ring);
        receive.deliver(bid, BYTES, false);
    }

    @Actor
    public void kernel(II_Result r) {
        r.r1 = kernel.fillNext((byte) 2, BYTES) >= 0 ? 1 : 0;
    }

    @Actor
    public void reader(II_Result r) {
        receive.take(dst, 0, BYTES);
        r.r2 = allOnes(dst) ? 1 : 0;
    }

    static boolean allOnes(MemorySegment bytes) {
        for (int i = 0; i < BYTES; i++) {
            if (bytes.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) != 1) {
                return false;
            }
        }
        return true;
    }
}
