package io.loomring.socket;

import io.loomring.ffm.Sockets;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** Vectored reads and writes: an iovec table filled from buffers, and the buffers moved on after. */
public final class Iovecs {
    private Iovecs() {}

    /** iovecs per readv/sendmsg call; the rest of the buffers wait for the next call. */
    static final int BATCH = 64;

    /** Bytes of a table of {@link #BATCH} iovecs. */
    static final long TABLE_SIZE = (long) BATCH * Sockets.IOVEC_SIZE;

    /**
     * Points {@code iov} at the remaining bytes of {@code buffers[from..to)} (direct buffers),
     * skipping empty ones, at most {@link #BATCH}.
     *
     * @return the iovecs written
     */
    public static int fill(MemorySegment iov, ByteBuffer[] buffers, int from, int to) {
        int count = 0;
        for (int i = from; i < to && count < BATCH; i++) {
            if (buffers[i].hasRemaining()) {
                MemorySegment s = MemorySegment.ofBuffer(buffers[i]);
                Sockets.setIovec(iov, count++, s.address(), s.byteSize());
            }
        }
        return count;
    }

    /** The bytes remaining in {@code buffers[from..to)}. */
    public static long remaining(ByteBuffer[] buffers, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            n += buffers[i].remaining();
        }
        return n;
    }

    /** Moves the positions of {@code buffers[from..to)} past the {@code n} bytes a call moved. */
    public static void advance(ByteBuffer[] buffers, int from, int to, long n) {
        for (int i = from; i < to && n > 0; i++) {
            int step = (int) Math.min(buffers[i].remaining(), n);
            buffers[i].position(buffers[i].position() + step);
            n -= step;
        }
    }
}
