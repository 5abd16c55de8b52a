package io.loomring;

import io.loomring.poller.BackgroundOperation;
import io.loomring.poller.Completion;
import io.loomring.poller.Poller;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

/**
 * A {@code SEND} the ring runs on its own while its starter goes on: write-behind, started by
 * {@link IoScheduler#sendInBackground}. Whoever needs its outcome, mostly the next write on the same
 * socket, {@linkplain #await awaits} it; waiting gives up on a timeout or an interrupt without
 * cancelling anything, so the send can be awaited again.
 */
public final class BackgroundSend {
    private final IoScheduler scheduler;
    private final Poller poller;
    private final BackgroundOperation op;

    BackgroundSend(IoScheduler scheduler, Poller poller, BackgroundOperation op) {
        this.scheduler = scheduler;
        this.poller = poller;
        this.op = op;
    }

    /** True once the send's final completion is in (its {@code onDone} has run). */
    public boolean isDone() {
        return !op.isPending();
    }

    /**
     * Waits for the send's final completion. On a thread carried by the send's carrier the ring is
     * first submitted and reaped at once, so a send the kernel can finish right away costs no park.
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
        if (op.isPending()) {
            poller.flush();
        }
        int s = op.isPending() ? op.join(IoScheduler.limit(timeoutNanos)) : op.state();
        if (s == Completion.PENDING) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while a send was in flight on fd " + op.fd());
            }
            throw new SocketTimeoutException("timed out");
        }
        if (s == Completion.CLOSED) {
            throw scheduler.closedException();
        }
        return scheduler.outcome(op);
    }
}
