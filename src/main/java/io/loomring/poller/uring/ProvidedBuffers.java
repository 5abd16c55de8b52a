package io.loomring.poller.uring;

import io.loomring.poller.PollerCounters;
import io.loomring.ring.BufferRing;
import io.loomring.ring.IoUring;

/**
 * One ring's provided buffers for multishot receives, and the rules that keep them shared fairly.
 *
 * <p>The buffer ring is registered at the first multishot receive, so a ring that never runs one
 * costs no memory. Its size is the ring's whole receive memory, whatever the number of sockets:
 * {@code loomring.receiveBuffers} buffers (256) of {@code loomring.receiveBufferSize} bytes
 * (4096). With incremental buffers asked for ({@link RingLevers#incrementalBuffers()}), on kernels
 * that have them (6.12), the kernel fills each buffer a receive at a time instead of taking a
 * whole buffer per receive ({@code IOU_PBUF_RING_INC}, see {@link BufferRing}); a kernel that
 * refuses them gets the ring registered whole-buffer.
 *
 * <p>A socket whose reader does not keep up must not take the buffers the others need. Each
 * multishot receive ends after {@link #MAX_QUEUED} buffers' worth of bytes (the kernel's limit,
 * {@code optlen}, 6.17+), and its reader starts the next one once it has read them. On kernels
 * without that limit the kernel may fill many buffers in one go before the poller sees any, so
 * there a receive holding {@link #MAX_QUEUED} unread chunks is cancelled after the reap that
 * delivered them ({@link Multishots}). Where the
 * buffers run out all the same, the kernel ends the receive with {@code -ENOBUFS}, and that
 * socket's next read is an ordinary {@code RECV}: memory per ring stays what the ring has.
 *
 * <p>A kernel without the limit (before 6.17) answers {@code -EINVAL} to the first receive: later
 * ones go without it. One without provided-buffer rings (before 5.19) or without multishot
 * {@code RECV} (before 6.0) answers {@code -EINVAL} again: then this ring refuses multishot
 * receives from then on, and every read takes the ordinary path. Poller thread only, except
 * {@link #refused()}.
 */
final class ProvidedBuffers {
    static final int ENTRIES = Integer.getInteger("loomring.receiveBuffers", 256);
    static final int BUFFER_SIZE = Integer.getInteger("loomring.receiveBufferSize", 4096);
    /** Unread chunks a socket may hold before its multishot receive is stopped. */
    static final int MAX_QUEUED = 16;
    static final int GROUP = 0;

    /** Incremental buffers asked for. */
    private final boolean askIncremental;
    private BufferRing buffers;
    /** The kernel refused the byte limit: receives go without it. */
    private boolean noLimit;
    /** Set once the kernel refused: read by any thread choosing its read path. */
    private volatile boolean refused;

    ProvidedBuffers(boolean incremental) {
        this.askIncremental = incremental;
    }

    /** For the backend's description. */
    String describe() {
        return askIncremental ? ", provided buffers filled incrementally where the kernel can (6.12+)" : "";
    }

    /** True once this ring refuses multishot receives. */
    boolean refused() {
        return refused;
    }

    /**
     * The buffer ring, registered with {@code ring} on first use; null where the kernel refuses.
     * The buffers holding unread bytes are counted in {@code counters}.
     */
    BufferRing buffers(IoUring ring, PollerCounters counters) {
        if (buffers == null && !refused) {
            BufferRing b = new BufferRing(GROUP, ENTRIES, BUFFER_SIZE,
                    delta -> counters.addShared(PollerCounters.RECEIVE_BUFFERS_HELD, delta));
            if (askIncremental && ring.registerBufferRing(b, true) == 0
                    || ring.registerBufferRing(b, false) == 0) {
                buffers = b;
            } else {
                refused = true;
            }
        }
        return buffers;
    }

    /**
     * The final completion of a multishot receive failed with {@code EINVAL}: no byte limit before
     * 6.17, no multishot RECV at all before 6.0. Either way its reader goes the ordinary way once.
     */
    void refusedOnce() {
        if (noLimit) {
            refused = true;
        } else {
            noLimit = true;
        }
    }

    /** The byte limit of the next receive (0: none). */
    int limit() {
        return noLimit ? 0 : MAX_QUEUED * BUFFER_SIZE;
    }

    /** Before the ring closes: the kernel picks no more buffers (every receive was cancelled first). */
    void close(IoUring ring) {
        if (buffers != null) {
            ring.unregisterBufferRing(GROUP);
        }
    }
}
