package io.loomring.files;

import io.loomring.ffm.LibC;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The native bytes one read or write works on: a direct buffer's own memory, or a bounce block
 * for a heap buffer (at most {@link #BOUNCE_LIMIT} bytes: a longer call moves fewer bytes, as a
 * short count, never silently). The kernel is done with the bytes when a call returns (every call
 * waits for its final completion), so the block is freed then. Under {@code O_DIRECT} a bounce block
 * is aligned; the caller ({@link BufferMoves}) has checked the buffer once, before its first block.
 */
final class NativeSpan implements AutoCloseable {
    /** The most bytes one call bounces through native memory. */
    static final int BOUNCE_LIMIT = 1 << 24;

    private final ByteBuffer buffer;
    private final long block;
    private final long address;
    private final int length;

    private NativeSpan(ByteBuffer buffer, long block, long address, int length) {
        this.buffer = buffer;
        this.block = block;
        this.address = address;
        this.length = length;
    }

    /**
     * The span of {@code buffer}'s remaining bytes; for a write, a heap buffer's bytes are copied
     * into the bounce block.
     *
     * @param alignment the O_DIRECT alignment, or 0
     */
    static NativeSpan of(ByteBuffer buffer, boolean forWrite, int alignment) {
        int remaining = buffer.remaining();
        if (buffer.isDirect()) {
            return new NativeSpan(buffer, 0L, MemorySegment.ofBuffer(buffer).address(), remaining);
        }
        int length = Math.min(remaining, alignment > 0 ? BOUNCE_LIMIT - BOUNCE_LIMIT % alignment : BOUNCE_LIMIT);
        long block = LibC.malloc(Math.max(1, length) + (long) alignment);
        long address = alignment > 0 ? (block + alignment - 1) / alignment * alignment : block;
        if (forWrite) {
            MemorySegment.ofAddress(address).reinterpret(length)
                    .copyFrom(MemorySegment.ofBuffer(buffer).asSlice(0, length));
        }
        return new NativeSpan(buffer, block, address, length);
    }

    long address() {
        return address;
    }

    int length() {
        return length;
    }

    /** After a read of {@code n} bytes: copies a bounce block's bytes in, and moves the position on. */
    void readDone(long n) {
        if (n <= 0) {
            return;
        }
        if (block != 0) {
            MemorySegment.ofBuffer(buffer).asSlice(0, n)
                    .copyFrom(MemorySegment.ofAddress(address).reinterpret(n));
        }
        buffer.position(buffer.position() + (int) n);
    }

    /** After a write of {@code n} bytes: moves the position on. */
    void writeDone(long n) {
        if (n > 0) {
            buffer.position(buffer.position() + (int) n);
        }
    }

    @Override
    public void close() {
        if (block != 0) {
            LibC.free(block);
        }
    }
}
