package io.loomring.poller;

import io.loomring.ring.BufferRing;
import io.loomring.ring.RingConstants;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A multishot {@code RECV} on one socket: it posts a completion for every arrival of bytes, each in
 * a buffer of the ring's {@link BufferRing}, until it ends (end of stream, an error, a cancel, its
 * byte limit, or no free buffer). Each queued result is a chunk, {@code bid << 48 | offset << 24 |
 * length} (a buffer filled incrementally holds chunks at several offsets, see {@link BufferRing});
 * the socket's reader copies the bytes out, oldest first, and releases each chunk it empties, which
 * hands its buffer back to the ring once nothing else holds it (see {@link Multishot} for who does
 * what).
 */
public final class MultishotReceive extends Multishot {
    /** The ring the buffers come from; written by the poller before the first chunk is queued. */
    private volatile BufferRing buffers;
    private static final VarHandle QUEUED_BYTES;
    /** A chunk's offset and length: 24 bits each. */
    private static final int CHUNK_FIELD = (1 << 24) - 1;

    static {
        try {
            QUEUED_BYTES = MethodHandles.lookup().findVarHandle(MultishotReceive.class, "queuedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Bytes queued and not yet taken: added by the poller, taken by the reader (atomically). */
    private volatile long queuedBytes;
    /** Bytes of the first chunk already taken (reader only). */
    private int taken;

    /**
     * A multishot receive on {@code fd}.
     *
     * @param onEnded run once when the outcome is decided, on the deciding thread (mostly the
     *                poller's): short, never blocking
     */
    public MultishotReceive(int fd, Runnable onEnded) {
        super(fd, RingConstants.OP_RECV, 0, onEnded);
    }

    /** Poller: the ring its buffers come from, set when it is started. */
    public void useBuffers(BufferRing ring) {
        this.buffers = ring;
    }

    /**
     * Poller: queues a chunk of {@code length} bytes in buffer {@code bid} and wakes the reader.
     *
     * @param kernelKeeps the completion carried {@code F_BUF_MORE}: the kernel goes on filling the
     *                    buffer after these bytes
     * @return how many chunks are queued now
     */
    public int deliver(int bid, int length, boolean kernelKeeps) {
        int offset = buffers.chunk(bid, length, kernelKeeps);
        QUEUED_BYTES.getAndAdd(this, (long) length);
        return push((long) bid << 48 | (long) offset << 24 | length);
    }

    /** Poller: a completion without bytes named buffer {@code bid}; it goes back unless the kernel keeps it. */
    public void returnUnused(int bid, boolean kernelKeeps) {
        if (!kernelKeeps) {
            buffers.kernelDone(bid);
        }
    }

    /** Bytes queued and not yet taken. */
    public long queuedBytes() {
        return queuedBytes;
    }

    /**
     * Reader: copies up to {@code length} queued bytes into {@code dst} at {@code dstOffset}, oldest
     * first, handing every buffer it empties back to the ring.
     *
     * @return bytes copied, 0 when none are queued
     */
    public int take(MemorySegment dst, long dstOffset, int length) {
        int done = 0;
        long chunk;
        while (done < length && (chunk = peek()) >= 0) {
            int bid = bid(chunk);
            int size = (int) chunk & CHUNK_FIELD;
            int n = Math.min(size - taken, length - done);
            // Copy first, release after: once back in the ring the kernel may fill it at once.
            buffers.copy(bid, ((int) (chunk >>> 24) & CHUNK_FIELD) + taken, dst, dstOffset + done, n);
            done += n;
            taken += n;
            QUEUED_BYTES.getAndAdd(this, (long) -n);
            if (taken == size) {
                remove();
                taken = 0;
                buffers.release(bid);
            }
        }
        return done;
    }

    /** Hands every queued buffer back to the ring without reading it. */
    @Override
    public void discard() {
        for (long chunk; (chunk = poll()) >= 0; ) {
            buffers.release(bid(chunk));
        }
        queuedBytes = 0;
        taken = 0;
    }

    private static int bid(long chunk) {
        return (int) (chunk >>> 48);
    }
}
