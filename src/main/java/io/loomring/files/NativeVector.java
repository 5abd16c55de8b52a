package io.loomring.files;

import io.loomring.ffm.LibC;
import io.loomring.ffm.Sockets;
import io.loomring.socket.Iovecs;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The native side of a scattering read or gathering write: an iovec table over the buffers' own
 * memory when all are direct, else one bounce block for all of them (a heap buffer's bytes must be
 * copied anyway, and one call keeps the transfer whole). At most {@link NativeSpan#BOUNCE_LIMIT}
 * bytes bounce and at most {@link #MAX_IOVECS} buffers go in one call; the rest is a short count.
 */
final class NativeVector implements AutoCloseable {
    /** Buffers per call (IOV_MAX is 1024). */
    static final int MAX_IOVECS = 1024;

    private final ByteBuffer[] buffers;
    private final int from;
    private final int to;
    /** The malloc'd table, or the bounce block (then {@code count} is 1 and the table its iovec). */
    private final long block;
    private final long table;
    private final int count;
    private final boolean bounced;
    /** The bytes the table offers. */
    private final long bytes;

    private NativeVector(ByteBuffer[] buffers, int from, int to, long block, long table, int count, boolean bounced,
                         long bytes) {
        this.buffers = buffers;
        this.from = from;
        this.to = to;
        this.block = block;
        this.table = table;
        this.count = count;
        this.bounced = bounced;
        this.bytes = bytes;
    }

    /** The table for {@code buffers[offset..offset+length)}; for a write, bounced bytes are copied. */
    static NativeVector of(ByteBuffer[] buffers, int offset, int length, boolean forWrite, int alignment)
            throws IOException {
        int to = Math.min(offset + length, offset + MAX_IOVECS);
        boolean allDirect = true;
        for (int i = offset; i < to; i++) {
            allDirect &= buffers[i].isDirect();
            if (alignment > 0) {
                DirectAlignment.checkRemaining(buffers[i].remaining(), alignment); // each buffer, as the JDK
            }
        }
        if (allDirect && alignment > 0) {
            for (int i = offset; i < to; i++) {
                DirectAlignment.checkBuffer(buffers[i], alignment); // before the table is taken
            }
        }
        if (allDirect) {
            long table = LibC.malloc((long) (to - offset) * Sockets.IOVEC_SIZE);
            MemorySegment iov = MemorySegment.ofAddress(table).reinterpret((long) (to - offset) * Sockets.IOVEC_SIZE);
            int count = 0;
            long bytes = 0;
            for (int i = offset; i < to; i++) {
                ByteBuffer b = buffers[i];
                if (b.hasRemaining()) {
                    Sockets.setIovec(iov, count++, MemorySegment.ofBuffer(b).address(), b.remaining());
                    bytes += b.remaining();
                }
            }
            return new NativeVector(buffers, offset, to, table, table, count, false, bytes);
        }
        long total = Math.min(Iovecs.remaining(buffers, offset, to), NativeSpan.BOUNCE_LIMIT);
        if (alignment > 0) {
            DirectAlignment.checkRemaining((int) total, alignment);
        }
        long block = LibC.malloc(Sockets.IOVEC_SIZE + total + alignment);
        long data = alignment > 0 ? (block + Sockets.IOVEC_SIZE + alignment - 1) / alignment * alignment
                : block + Sockets.IOVEC_SIZE;
        MemorySegment iov = MemorySegment.ofAddress(block).reinterpret(Sockets.IOVEC_SIZE);
        Sockets.setIovec(iov, 0, data, total);
        if (forWrite) {
            MemorySegment dst = MemorySegment.ofAddress(data).reinterpret(total);
            long at = 0;
            for (int i = offset; i < to && at < total; i++) {
                int n = (int) Math.min(buffers[i].remaining(), total - at);
                dst.asSlice(at, n).copyFrom(MemorySegment.ofBuffer(buffers[i]).asSlice(0, n));
                at += n;
            }
        }
        return new NativeVector(buffers, offset, to, block, block, 1, true, total);
    }

    long table() {
        return table;
    }

    int count() {
        return count;
    }

    /** The bytes the table offers: a call that moves fewer was short. */
    long bytes() {
        return bytes;
    }

    /** After a read of {@code n} bytes: scatters bounced bytes, and moves the positions on. */
    void readDone(long n) {
        if (n <= 0) {
            return;
        }
        if (bounced) {
            MemorySegment iov = MemorySegment.ofAddress(table).reinterpret(Sockets.IOVEC_SIZE);
            MemorySegment src = MemorySegment.ofAddress(iov.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).reinterpret(n);
            long at = 0;
            for (int i = from; i < to && at < n; i++) {
                int k = (int) Math.min(buffers[i].remaining(), n - at);
                MemorySegment.ofBuffer(buffers[i]).asSlice(0, k).copyFrom(src.asSlice(at, k));
                at += k;
            }
        }
        Iovecs.advance(buffers, from, to, n);
    }

    /** After a write of {@code n} bytes: moves the positions on. */
    void writeDone(long n) {
        Iovecs.advance(buffers, from, to, n);
    }

    @Override
    public void close() {
        LibC.free(block);
    }
}
