package io.loomring.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The kernel's side of a {@link BufferRing}, as {@code io_uring/kbuf.c} consumes it: it loads the
 * ring's tail with acquire, and for each entry below the tail past its own head takes that buffer
 * and fills it (the next receive). It never writes the ring itself.
 *
 * <p>In the library's package (a split package on the class path) to read the ring's memory.
 */
public final class SimulatedBufferKernel {
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    private final BufferRing ring;
    private final MemorySegment entries;
    private final MemorySegment buffers;
    private int head;

    public SimulatedBufferKernel(BufferRing ring) {
        this.ring = ring;
        this.entries = ring.ringMemory();
        this.buffers = ring.bufferMemory();
    }

    /**
     * Takes the next provided buffer, if the application has provided one, and fills its first
     * {@code length} bytes with {@code value}.
     *
     * @return the buffer id taken, or -1 when none is there
     */
    public int fillNext(byte value, int length) {
        int tail = (short) SHORT.getAcquire(entries, 14L) & 0xFFFF; // pairs with recycle's release store
        if (tail == (head & 0xFFFF)) {
            return -1;
        }
        long entry = (long) (head & (ring.entries() - 1)) * 16;
        long address = entries.get(ValueLayout.JAVA_LONG, entry);
        int bid = entries.get(ValueLayout.JAVA_SHORT, entry + 12) & 0xFFFF;
        long offset = address - buffers.address();
        for (int i = 0; i < length; i++) {
            buffers.set(ValueLayout.JAVA_BYTE, offset + i, value);
        }
        head++;
        return bid;
    }
}
