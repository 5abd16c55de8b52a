package io.loomring.poller.uring;

import io.loomring.ffm.Errno;
import io.loomring.poller.Multishot;
import io.loomring.poller.MultishotAccept;
import io.loomring.poller.MultishotReceive;
import io.loomring.poller.PollerCounters;
import io.loomring.ring.BufferRing;
import io.loomring.ring.IoUring;
import io.loomring.ring.RingConstants;
import io.loomring.ring.SubmissionQueue;
import java.util.ArrayList;

/**
 * One ring's multishot requests: receives ({@link MultishotReceive}, with the ring's
 * {@link ProvidedBuffers}) and accepts ({@link MultishotAccept}), from their SQE to their last
 * completion.
 *
 * <p>A multishot request keeps its slot while its completions carry {@code F_MORE}; each result is
 * queued on the request for its socket's thread; the completion without {@code F_MORE} decides it,
 * as any operation's final completion does.
 *
 * <p>Nobody may make one socket hold without bound what the others need: a receive holding
 * {@link ProvidedBuffers#MAX_QUEUED} unread chunks (where the kernel has no byte limit) and an
 * accept holding {@link #MAX_QUEUED_ACCEPTS} untaken connections (fds) are cancelled after the reap
 * that queued them (a cancel is an SQE, and the SQ may be full in the middle of a reap); their
 * thread starts a new one once it has taken what is queued.
 *
 * <p>A kernel without multishot accepts (before 5.19) answers {@code EINVAL}: this ring then
 * refuses them, and accepts take the ordinary path. Poller thread only, except the two
 * {@code ...Refused} methods.
 */
final class Multishots {
    /** Accepted connections a listening socket may hold untaken before its multishot accept stops. */
    static final int MAX_QUEUED_ACCEPTS = 64;

    private final ProvidedBuffers buffers;
    private volatile boolean acceptRefused;
    /** Requests that hold too much, to cancel after the reap. */
    private final ArrayList<Multishot> overfull = new ArrayList<>();

    /** @param incrementalBuffers ask for provided buffers the kernel fills a receive at a time */
    Multishots(boolean incrementalBuffers) {
        this.buffers = new ProvidedBuffers(incrementalBuffers);
    }

    /** For the backend's description: what was asked of the provided buffers beyond the defaults. */
    String describe() {
        return buffers.describe();
    }

    boolean receiveRefused() {
        return buffers.refused();
    }

    boolean acceptRefused() {
        return acceptRefused;
    }

    /**
     * Readies {@code m} for the ring: false when this ring refuses its kind (the caller decides it
     * with {@code -EOPNOTSUPP}).
     */
    boolean admit(Multishot m, IoUring ring, PollerCounters counters) {
        return switch (m) {
            case MultishotReceive r -> {
                BufferRing b = buffers.buffers(ring, counters);
                if (b != null) {
                    r.useBuffers(b);
                }
                yield b != null;
            }
            case MultishotAccept a -> !acceptRefused;
        };
    }

    /** Writes {@code m}'s SQE; false when the SQ is full. */
    boolean queue(SubmissionQueue sq, Multishot m, long userData) {
        return switch (m) {
            case MultishotReceive r -> sq.receiveMultishot(r.fd(), ProvidedBuffers.GROUP, buffers.limit(), userData);
            case MultishotAccept a -> sq.acceptMultishot(a.fd(), a.opFlags(), userData);
        };
    }

    /**
     * A completion of {@code m}: queues its result, if it has one, and says whether more are to
     * come (the request then keeps its slot).
     */
    boolean onCompletion(Multishot m, int res, int flags) {
        boolean more = (flags & RingConstants.CQE_F_MORE) != 0;
        switch (m) {
            case MultishotReceive r -> {
                if ((flags & RingConstants.CQE_F_BUFFER) != 0) {
                    int bid = flags >>> RingConstants.CQE_BUFFER_SHIFT;
                    boolean kernelKeeps = (flags & RingConstants.CQE_F_BUF_MORE) != 0;
                    if (res <= 0) {
                        r.returnUnused(bid, kernelKeeps); // a buffer taken for no bytes
                    } else if (r.deliver(bid, res, kernelKeeps) == ProvidedBuffers.MAX_QUEUED) {
                        overfull.add(r);
                    }
                }
                if (!more && res == -Errno.EINVAL) {
                    buffers.refusedOnce();
                }
            }
            case MultishotAccept a -> {
                if (res >= 0 && a.deliver(res) == MAX_QUEUED_ACCEPTS) {
                    overfull.add(a);
                }
                if (!more && res == -Errno.EINVAL) {
                    acceptRefused = true; // a kernel without multishot ACCEPT
                }
            }
        }
        return more;
    }

    /** The next request to stop now that the reap is over, or null. */
    Multishot takeOverfull() {
        return overfull.isEmpty() ? null : overfull.removeLast();
    }

    /** Before the ring closes (every request cancelled first). */
    void close(IoUring ring) {
        buffers.close(ring);
    }
}
