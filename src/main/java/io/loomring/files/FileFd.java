package io.loomring.files;

import io.loomring.IoScheduler;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A file channel's fd and its close protocol: calls in flight are counted, and the fd is closed by
 * whoever ends last, the closer or the last call. A close first cancels the ring operations and
 * awaits on the fd ({@link IoScheduler#cancel}), so a call blocked on a FIFO ends; a disk
 * operation the kernel already runs ends on its own. Until then the fd number stays ours, so no
 * operation ever reaches a file that later took the same number.
 */
final class FileFd {
    private static final int CLOSED = 1 << 30;

    private final int fd;
    /** Whether reads and writes can wait for readiness (FIFO, terminal, socket), not disk work. */
    private final boolean pollable;
    /** Small writes run as a plain {@code pwrite} on the calling thread (see {@link FileIo#INLINE_WRITE_BYTES}). */
    private final boolean inlineSmallWrites;
    private final IoScheduler scheduler;
    /** Cancels the ring operations and awaits on the fd number (the scheduler's cancel). */
    private final IntConsumer cancel;
    /** Closes the fd number. */
    private final IntConsumer closer;
    /** Calls in flight, plus {@link #CLOSED} once closed. */
    private final AtomicInteger state = new AtomicInteger();

    FileFd(int fd, boolean pollable, boolean inlineSmallWrites, IoScheduler scheduler) {
        this(fd, pollable, inlineSmallWrites, scheduler, n -> {
            if (!scheduler.isClosed()) {
                scheduler.cancel(n);
            }
        }, n -> LibC.close(Native.threadCaptureState(), n));
    }

    /** With the cancel and close steps given (a simulated kernel in the concurrency tests). */
    FileFd(int fd, boolean pollable, boolean inlineSmallWrites, IoScheduler scheduler, IntConsumer cancel,
           IntConsumer closer) {
        this.fd = fd;
        this.pollable = pollable;
        this.inlineSmallWrites = inlineSmallWrites;
        this.scheduler = scheduler;
        this.cancel = cancel;
        this.closer = closer;
    }

    int fd() {
        return fd;
    }

    boolean pollable() {
        return pollable;
    }

    boolean inlineSmallWrites() {
        return inlineSmallWrites;
    }

    IoScheduler scheduler() {
        return scheduler;
    }

    /** Counts a call in; false once closed (the caller throws then). */
    boolean enter() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Counts a call out; the last one out after a close closes the fd. */
    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            closeNow();
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Closes once: cancels the calls in flight, and the last one out (maybe this) closes the fd. The
     * closer counts itself in while it cancels, so the number cannot be closed and reused by another
     * file before the cancel reaches the kernel.
     */
    void close() {
        int s = state.getAndUpdate(v -> (v & CLOSED) != 0 ? v : (v | CLOSED) + 1);
        if ((s & CLOSED) != 0) {
            return;
        }
        if (s != 0) {
            cancel.accept(fd);
        }
        exit();
    }

    private void closeNow() {
        closer.accept(fd);
    }
}
