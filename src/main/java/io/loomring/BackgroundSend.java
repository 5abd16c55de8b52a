package io.loomring;

import io.loomring.poller.BackgroundOperation;
import io.loomring.poller.Completion;
import io.loomring.poller.Poller;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A {@code SEND} the ring runs on its own while its starter goes on: write-behind, started by
 * {@link IoScheduler#sendInBackground} or a route's. Whoever needs its
 * outcome, mostly the next write on the same socket, {@linkplain #join joins} or
 * {@linkplain #await awaits} it; waiting gives up on a timeout or an interrupt without cancelling
 * anything, so the send can be waited for again.
 */
public final class BackgroundSend {
    private final Poller poller;
    private final BackgroundOperation op;
    /** The scheduler serves no more: a cancel nobody asked for came from its close. */
    private final BooleanSupplier closed;
    private final Supplier<Throwable> failure;

    BackgroundSend(Poller poller, BackgroundOperation op, BooleanSupplier closed, Supplier<Throwable> failure) {
        this.poller = poller;
        this.op = op;
        this.closed = closed;
        this.failure = failure;
    }

    /** {@return true once the send's final completion is in (its {@code onDone} has run)} */
    public boolean isDone() {
        return !op.isPending();
    }

    /**
     * Waits for the send's final completion, at most {@code timeoutNanos} (0: no limit), and
     * returns its outcome as a value. On a thread carried by the send's carrier the ring is first
     * submitted and reaped at once, so a send the kernel can finish right away costs no park.
     *
     * @param timeoutNanos the longest time to wait, in nanoseconds; 0 for no limit
     * @return what the kernel returned (every byte of the buffer, fewer when the send failed after
     *         a part went out, or {@code -errno}, for example {@code -EPIPE}); or
     *         {@link IoStatus#TIMED_OUT} or {@link IoStatus#INTERRUPTED} when the wait ended first (the
     *         send goes on; an interrupt status stays set), {@link IoStatus#CANCELLED} when
     *         {@link IoScheduler#cancel} cancelled it, {@link IoStatus#CLOSED} when the scheduler
     *         closed first
     * @throws IllegalArgumentException if {@code timeoutNanos} is negative
     */
    public int join(long timeoutNanos) {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeoutNanos must be >= 0 (0: no limit): " + timeoutNanos);
        }
        if (op.isPending()) {
            poller.flush();
        }
        int s = op.isPending() ? op.join(timeoutNanos) : op.state();
        if (s == Completion.PENDING) {
            return Thread.currentThread().isInterrupted() ? IoStatus.INTERRUPTED : IoStatus.TIMED_OUT;
        }
        if (s == Completion.CLOSED) {
            return IoStatus.CLOSED;
        }
        return Outcomes.operationResult(op, closed);
    }

    /**
     * {@link #join} with exceptions instead of statuses.
     *
     * @param timeoutNanos how long to wait, or 0 or less to wait without limit
     * @return what the kernel returned: every byte of the buffer, or fewer when the send failed
     *         after a part went out, or a negative errno (for example {@code -EPIPE})
     * @throws SocketTimeoutException     if the timeout elapsed first (the send goes on)
     * @throws InterruptedIOException     if the thread is interrupted (the send goes on; the interrupt status stays set)
     * @throws java.nio.channels.AsynchronousCloseException if {@link IoScheduler#cancel} cancelled it
     * @throws IOException                if the scheduler closed first
     */
    public int await(long timeoutNanos) throws IOException {
        return Outcomes.bytes(join(Math.max(0, timeoutNanos)), op.fd(), failure);
    }
}
