package io.loomring.files;

import io.loomring.IoScheduler;
import io.loomring.IoStatus;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * A file channel's fd and its close protocol: calls in flight are counted, and the fd is closed by
 * whoever ends last, the closer or the last call. A close first cancels the ring operations and
 * awaits on the fd ({@link IoScheduler#cancel}), and again while a call may still wait on a FIFO,
 * so a call blocked on one ends; a disk operation the kernel already runs ends on its own. Until
 * then the fd number stays ours, so no operation ever reaches a file that later took the same
 * number.
 */
final class FileFd {
    private static final int CLOSED = 1 << 30;
    /** How long a close waits between cancels while a call may still wait on a FIFO. */
    private static final long CANCEL_RETRY_NANOS = 1_000_000L;

    private final int fd;
    /** Whether reads and writes can wait for readiness (FIFO, terminal, socket), not disk work. */
    private final boolean pollable;
    /** A FIFO opened for reading only: its reads may see "no writer yet" where open(2) would have waited. */
    private final boolean fifoReader;
    /** Small writes run as a plain {@code pwrite} on the calling thread (see {@link FileIo#INLINE_WRITE_BYTES}). */
    private final boolean inlineSmallWrites;
    private final IoScheduler scheduler;
    /** Cancels the ring operations and awaits on the fd number (the scheduler's cancel). */
    private final IntConsumer cancel;
    /** Closes the fd number. */
    private final IntConsumer closer;
    /** Calls in flight, plus {@link #CLOSED} once closed. */
    private final AtomicInteger state = new AtomicInteger();
    /** Calls that may wait on a pollable file, or are about to: a close cancels until none is left. */
    private final AtomicInteger awaiting = new AtomicInteger();

    FileFd(int fd, boolean pollable, boolean fifoReader, boolean inlineSmallWrites, IoScheduler scheduler) {
        this(fd, pollable, fifoReader, inlineSmallWrites, scheduler, n -> {
            if (!scheduler.isClosed()) {
                scheduler.cancel(n);
            }
        }, n -> LibC.close(Native.threadCaptureState(), n));
    }

    /** With the cancel and close steps given (a simulated kernel in the concurrency tests). */
    FileFd(int fd, boolean pollable, boolean fifoReader, boolean inlineSmallWrites, IoScheduler scheduler,
           IntConsumer cancel, IntConsumer closer) {
        this.fd = fd;
        this.pollable = pollable;
        this.fifoReader = fifoReader;
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

    boolean fifoReader() {
        return fifoReader;
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
     * Runs a call that may wait for the other end of a pollable file (a readiness await, or a ring
     * operation on it). Counted in before it looks at the close flag, so either it sees the close
     * and does not start, or the closer sees it and cancels again until it has ended
     * ({@link #close()}).
     *
     * @return what the call returned, or {@link IoStatus#CANCELLED} once closed
     */
    long waiting(LongSupplier call) {
        awaiting.incrementAndGet();
        try {
            if (isClosed()) {
                return IoStatus.CANCELLED;
            }
            return call.getAsLong();
        } finally {
            awaiting.decrementAndGet();
        }
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
            // An await armed just after that cancel reached its poller would wait for ever (a FIFO
            // nobody writes): cancel again, a little later, until no call awaits any more (a closed
            // scheduler ends every await by itself).
            while (awaiting.get() > 0) {
                LockSupport.parkNanos(CANCEL_RETRY_NANOS);
                cancel.accept(fd);
            }
        }
        exit();
    }

    private void closeNow() {
        closer.accept(fd);
    }
}
