package io.loomring.poller;

import io.loomring.ring.BufferRing;
import io.loomring.ring.RingConstants;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

/**
 * A multishot {@code RECV} on one socket: armed once, it posts a completion for every arrival of
 * bytes, each in a buffer of the ring's {@link BufferRing}, until it ends (end of stream, an
 * error, a cancel, or no free buffer). The bytes wait here, in order, until the socket's reader
 * takes them: arrivals while no thread reads cost neither a submission nor a poll re-arm.
 *
 * <p>Threads: the poller thread {@linkplain #deliver delivers} chunks and decides the final
 * outcome; one reader at a time (the socket's read lock) {@linkplain #take takes} bytes, from any
 * thread, and hands each emptied buffer back to the ring. The chunk queue is guarded by this
 * object's monitor; the reader's offset into the first chunk is the reader's alone. Every chunk is
 * delivered before the final completion decides the outcome, so a reader that sees the outcome
 * decided and the queue empty has had every byte.
 *
 * <p>Like every {@link Operation}, only the final completion (or the poller's close) decides it;
 * its {@code onEnded} action then runs once, on the deciding thread.
 */
public final class MultishotReceive extends Operation {
    private final Runnable onEnded;
    /** The reader while it waits for bytes or the end. */
    private volatile Thread waiter;
    /** The ring the buffers come from; written by the poller before the first chunk is queued. */
    private volatile BufferRing buffers;
    /** The poller's counters, where the buffers held are counted. */
    private volatile PollerCounters counters;
    /** Queued chunks, oldest first, each {@code bid << 32 | length}; guarded by {@code this}. */
    private long[] chunks = new long[8];
    private int first;
    private int count;
    /** Bytes queued and not yet taken; guarded by {@code this}. */
    private long queuedBytes;
    /** Bytes of the first chunk already taken (reader only). */
    private int taken;

    /**
     * A multishot receive on {@code fd}.
     *
     * @param onEnded run once when the outcome is decided, on the deciding thread (mostly the
     *                poller's): short, never blocking
     */
    public MultishotReceive(int fd, Runnable onEnded) {
        super(fd, RingConstants.OP_RECV, 0L, 0, 0L, 0, false);
        this.onEnded = onEnded;
    }

    // ------------------------------------------------------------------ the poller's side

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
        int queued;
        synchronized (this) {
            if (count == chunks.length) {
                long[] grown = new long[chunks.length * 2];
                for (int i = 0; i < count; i++) {
                    grown[i] = chunks[(first + i) % chunks.length];
                }
                chunks = grown;
                first = 0;
            }
            chunks[(first + count) % chunks.length] = (long) bid << 32 | (length & 0xFFFF_FFFFL);
            count++;
            queuedBytes += length;
            queued = count;
        }
        counters.addShared(PollerCounters.RECEIVE_BUFFERS_HELD, 1);
        wakeReader();
        return queued;
    }

    @Override
    void onDecided() {
        onEnded.run();
        wakeReader();
    }

    private void wakeReader() {
        // Volatile read after the queue's update (or the state's CAS): await() writes waiter before
        // it looks at either, so one of the two sides sees the other.
        Thread t = waiter;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }

    // ------------------------------------------------------------------ the reader's side

    /** True while bytes are queued. */
    public synchronized boolean hasBytes() {
        return count > 0;
    }

    /** Bytes queued and not yet taken. */
    public synchronized long queuedBytes() {
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
        while (done < length) {
            long chunk;
            synchronized (this) {
                if (count == 0) {
                    break;
                }
                chunk = chunks[first];
            }
            int bid = (int) (chunk >>> 32);
            int size = (int) chunk;
            int n = Math.min(size - taken, length - done);
            // Copy first, hand back after: once back in the ring the kernel may fill it at once.
            buffers.copy(bid, taken, dst, dstOffset + done, n);
            done += n;
            taken += n;
            synchronized (this) {
                queuedBytes -= n;
                if (taken == size) {
                    first = (first + 1) % chunks.length;
                    count--;
                }
            }
            if (taken == size) {
                taken = 0;
                recycle(bid);
            }
        }
        return done;
    }

    /**
     * Reader: parks until bytes are queued or the outcome is decided, at most until
     * {@code deadline} (a {@link System#nanoTime} value, 0 for none), or until interrupted.
     *
     * @return {@link #READY} when bytes are queued or the outcome is decided, {@link #TIMED_OUT}
     *         or {@link #INTERRUPTED} otherwise (the interrupt status stays set)
     */
    public int awaitBytes(long deadline) {
        Thread self = Thread.currentThread();
        waiter = self; // before looking at the queue and the state: see wakeReader
        try {
            for (;;) {
                if (hasBytes() || !isPending()) {
                    return READY;
                }
                if (self.isInterrupted()) {
                    return INTERRUPTED;
                }
                if (deadline == 0) {
                    LockSupport.park(this);
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return TIMED_OUT;
                }
                LockSupport.parkNanos(this, remaining);
            }
        } finally {
            waiter = null;
        }
    }

    /**
     * Hands every queued buffer back to the ring without reading it (the socket closed); call only
     * once the outcome is decided and no reader takes bytes any more.
     */
    public void discard() {
        synchronized (this) {
            while (count > 0) {
                recycle((int) (chunks[first] >>> 32));
                first = (first + 1) % chunks.length;
                count--;
            }
            queuedBytes = 0;
            taken = 0;
        }
    }

    private void recycle(int bid) {
        buffers.recycle(bid);
        counters.addShared(PollerCounters.RECEIVE_BUFFERS_HELD, -1);
    }
}
