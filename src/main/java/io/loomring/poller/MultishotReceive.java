package io.loomring.poller;

import io.loomring.ring.BufferRing;
import io.loomring.ring.RingConstants;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A multishot {@code RECV} on one socket: it posts a completion for every arrival of bytes, each in
 * a buffer of the ring's {@link BufferRing}, until it ends (end of stream, an error, a cancel, its
 * byte limit, or no free buffer). Each queued result is a chunk, {@code bid << 32 | length}; the
 * socket's reader copies the bytes out, oldest first, and hands each emptied buffer back to the
 * ring (see {@link Multishot} for who does what).
 */
public final class MultishotReceive extends Multishot {
    /** The ring the buffers come from; written by the poller before the first chunk is queued. */
    private volatile BufferRing buffers;
    /** The poller's counters, where the buffers held are counted. */
    private volatile PollerCounters counters;
    private static final VarHandle QUEUED_BYTES;

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

    /** Poller: the ring its buffers come from and the counters of its poller, set when it is started. */
    public void useBuffers(BufferRing ring, PollerCounters counters) {
        this.buffers = ring;
        this.counters = counters;
    }

    /**
     * Poller: queues a chunk of {@code length} bytes in buffer {@code bid} and wakes the reader.
     *
     * @return how many chunks are queued now
     */
    public int deliver(int bid, int length) {
        QUEUED_BYTES.getAndAdd(this, (long) length);
        counters.addShared(PollerCounters.RECEIVE_BUFFERS_HELD, 1);
        return push((long) bid << 32 | (length & 0xFFFF_FFFFL));
    }

    /** Poller: a buffer the kernel took for a completion without bytes goes straight back. */
    public void returnUnused(int bid) {
        buffers.recycle(bid);
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
            int bid = (int) (chunk >>> 32);
            int size = (int) chunk;
            int n = Math.min(size - taken, length - done);
            // Copy first, hand back after: once back in the ring the kernel may fill it at once.
            buffers.copy(bid, taken, dst, dstOffset + done, n);
            done += n;
            taken += n;
            QUEUED_BYTES.getAndAdd(this, (long) -n);
            if (taken == size) {
                remove();
                taken = 0;
                recycle(bid);
            }
        }
        return done;
    }

    /** Hands every queued buffer back to the ring without reading it. */
    @Override
    public void discard() {
        for (long chunk; (chunk = poll()) >= 0; ) {
            recycle((int) (chunk >>> 32));
        }
        queuedBytes = 0;
        taken = 0;
    }

    private void recycle(int bid) {
        buffers.recycle(bid);
        counters.addShared(PollerCounters.RECEIVE_BUFFERS_HELD, -1);
    }
}
