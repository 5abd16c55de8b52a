package io.loomring.socket;

import io.loomring.BackgroundSend;
import io.loomring.IoRoute;
import io.loomring.IoStatus;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;

/**
 * Write-behind for threads that run completion-mode I/O ({@link IoScheduler#writesBehind()}): a
 * write of up to {@link #BUFFER_SIZE} bytes is copied into a buffer this socket owns and queued as
 * a {@code SEND}, and the write returns. The carrier submits it with everything else at its next
 * kernel call, so a request/response exchange costs no syscall of its own and no park either: the
 * thread goes on to its next read, whose {@code RECV} leaves in the same call. (For an ordinary
 * virtual thread it is its sub-poller that submits both.)
 *
 * <p>At most one such send is in flight. The next write, {@code shutdownOutput} and close wait for
 * it first ({@link #finish}): bytes leave in order, and a send that failed is reported by the next
 * call instead of being lost, as the kernel reports a failure of bytes it had buffered. While in
 * flight the send counts as an operation on the fd ({@link SocketFd#begin}), so the fd is never
 * closed under it. Everything here runs under the socket's write lock, except the send's own end,
 * {@link #sendDone}. Each call is given the route its caller chose for the whole write.
 */
public final class WriteBehind {
    /** The largest write sent behind; larger ones wait for the kernel as before. */
    static final int BUFFER_SIZE = 16 * 1024;
    /** The smallest buffer: a connection that only ever writes short replies keeps it that small. */
    private static final int MIN_BUFFER = 512;
    /** How long close waits for a send still in flight when no write timeout is set. */
    static final long CLOSE_WAIT_NANOS = 5_000_000_000L;

    private final SocketFd fd;
    /**
     * Run by the poller when the send is done. It refers to this object, so the buffer stays
     * reachable while the kernel may read it, even from a socket the application dropped.
     */
    private final Runnable onDone = this::sendDone;
    private MemorySegment buffer;
    private BackgroundSend pending;
    private int pendingFrom;
    private int pendingLength;

    public WriteBehind(SocketFd fd) {
        this.fd = fd;
    }

    /** True when a write of {@code len} bytes by the calling thread can be sent behind on {@code route}. */
    public static boolean accepts(IoRoute route, long len) {
        return len <= BUFFER_SIZE && route.writesBehind();
    }

    /** True while a send is in flight or its outcome is still to be reported. */
    public boolean hasPending() {
        return pending != null;
    }

    /**
     * Copies {@code len} bytes of {@code src} and starts their send; {@link #finish} must have
     * run first. Inside an operation ({@link SocketFd#begin}).
     */
    public void start(IoRoute route, MemorySegment src, int len) throws IOException {
        if (pending != null) {
            throw new IllegalStateException("a send is still in flight");
        }
        // Grown to the next power of two that holds the write (len <= BUFFER_SIZE, a power of two):
        // 16 KiB for each of many connections that send short responses would be mostly unused.
        // No send is in flight: the kernel is done with the old one.
        buffer = fd.memory().grow(buffer, len, MIN_BUFFER);
        MemorySegment.copy(src, 0, buffer, 0, len);
        submit(route, 0, len);
    }

    private void submit(IoRoute route, int from, int len) throws IOException {
        fd.begin(); // ended by sendDone, once the kernel is done with the fd
        try {
            pending = route.sendInBackground(fd.fd(), fd.fixedFile(), buffer.asSlice(from, len), onDone);
        } catch (IOException | RuntimeException e) {
            fd.endBackground();
            throw e;
        }
        pendingFrom = from;
        pendingLength = len;
    }

    private void sendDone() {
        fd.endBackground();
    }

    /**
     * Waits until the send in flight (if any) is done, sends again what a short one left, and
     * throws what it failed with. A timeout leaves it in flight, to be waited for again.
     *
     * @param timeoutNanos how long to wait, or 0 or less without limit
     * @throws SocketTimeoutException   with {@code timeoutMessage} if the send is not done in time
     * @throws java.net.SocketException if the send failed (for example the connection was reset)
     */
    public void finish(IoRoute route, long timeoutNanos, String timeoutMessage) throws IOException {
        long deadline = SocketFd.deadline(timeoutNanos);
        while (pending != null) {
            long remaining = 0;
            if (deadline != 0) {
                remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new SocketTimeoutException(timeoutMessage);
                }
            }
            int r = pending.join(remaining);
            if (r == IoStatus.TIMED_OUT || r == IoStatus.INTERRUPTED) {
                // The send goes on, to be waited for again; an interrupt closes the socket, which cancels it.
                throw r == IoStatus.TIMED_OUT ? new SocketTimeoutException(timeoutMessage)
                        : fd.statusException(route, r, timeoutMessage);
            }
            if (IoStatus.isStatus(r)) {
                pending = null; // cancelled by close, or the scheduler closed: the send is over
                throw fd.statusException(route, r, timeoutMessage);
            }
            pending = null;
            if (r < 0) {
                fd.checkNotClosing();
                throw SocketErrors.io("write", -r);
            }
            if (r < pendingLength) {
                submit(route, pendingFrom + r, pendingLength - r);
            }
        }
    }

    /**
     * Close is about to cancel what is left: gives the send in flight the write timeout (or
     * {@link #CLOSE_WAIT_NANOS}, whichever is shorter) to finish, as a blocking write would have
     * waited for the peer. What it fails with is not close's to report.
     */
    public void finishBeforeClose(IoRoute route, long writeTimeoutNanos) {
        long wait = writeTimeoutNanos > 0 ? Math.min(writeTimeoutNanos, CLOSE_WAIT_NANOS) : CLOSE_WAIT_NANOS;
        try {
            finish(route, wait, "Write timed out");
        } catch (IOException e) {
            // closing anyway: the close cancels whatever is still in flight
        }
    }
}
