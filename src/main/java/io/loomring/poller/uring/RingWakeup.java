package io.loomring.poller.uring;

import io.loomring.ffm.Errno;
import io.loomring.ring.SubmissionQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The io_uring backend's read of the poller's wakeup eventfd: one {@code READ} kept in the ring,
 * so a signal completes it and ends the poller's kernel wait. Queued again after each completion,
 * once the reap that found it is done. Poller thread only.
 */
final class RingWakeup implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    /** The eight bytes each READ consumes from the eventfd. */
    private final MemorySegment buffer = arena.allocate(8, 8);
    /** The READ completed; it must be queued again (the first is queued when the ring opens). */
    private boolean needsRead;

    /** @param fd the wakeup eventfd */
    RingWakeup(int fd) {
        this.fd = fd;
    }

    /**
     * The READ completed with {@code res}. A cancellation means its submitting thread exited; the
     * READ is then queued again like after any completion.
     *
     * @throws IllegalStateException when the eventfd cannot be read: the poller cannot be woken
     */
    void onCompletion(int res) {
        if (res < 0 && res != -Errno.EAGAIN && res != -Errno.EINTR && res != -Errno.ECANCELED) {
            throw new IllegalStateException("wakeup eventfd read failed: " + Errno.describe(-res));
        }
        needsRead = true;
    }

    /** True when the READ must be queued (again); the caller queues it with {@link #queueRead}. */
    boolean takeReadNeeded() {
        boolean needed = needsRead;
        needsRead = false;
        return needed;
    }

    /** Queues the READ; false when the SQ is full (make room and try again). */
    boolean queueRead(SubmissionQueue sq) {
        return sq.read(fd, buffer.address(), 8, UserData.TAG_WAKEUP);
    }

    @Override
    public void close() {
        arena.close();
    }
}
