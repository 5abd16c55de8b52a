package io.loomring;

import io.loomring.ffm.Errno;
import io.loomring.poller.Completion;
import io.loomring.poller.Operation;
import io.loomring.poller.RingOperation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one place where a decided request becomes what the API reports: an operation's
 * {@code -ECANCELED} becomes the {@link IoStatus} its cause calls for, and
 * {@link IoScheduler}'s methods turn statuses into the exceptions they document.
 */
final class Outcomes {
    private Outcomes() {}

    /**
     * A decided operation's result: bytes or {@code -errno} as the kernel gave them, except that a
     * cancellation becomes the status of whoever asked for it.
     *
     * @param closed whether the scheduler serves no more (its close cancels what is left); asked
     *               only for a cancel nobody asked for
     */
    static int operationResult(Operation op, BooleanSupplier closed) {
        int res = op.result();
        if (res != -Errno.ECANCELED) {
            return res;
        }
        if (op.isCancelledByFd()) {
            return IoStatus.CANCELLED;
        }
        int reason = op instanceof RingOperation r ? r.cancelReason() : 0;
        if (reason == Completion.INTERRUPTED) {
            return IoStatus.INTERRUPTED;
        }
        if (reason == Completion.TIMED_OUT) {
            return IoStatus.TIMED_OUT;
        }
        return closed.getAsBoolean() ? IoStatus.CLOSED : res;
    }

    /** An await's status as {@link IoScheduler#awaitReadable(int, java.time.Duration)} reports it. */
    static boolean ready(int status, int fd, Supplier<Throwable> failure) throws IOException {
        if (status == IoStatus.READY) {
            return true;
        }
        if (status == IoStatus.TIMED_OUT) {
            return false;
        }
        if (IoStatus.isErrno(status)) { // the kernel refused the poll
            throw new IOException("cannot await fd " + fd + ": " + Errno.describe(-status));
        }
        throw exception(status, "interrupted while awaiting fd " + fd, failure);
    }

    /**
     * An operation's result as {@link IoScheduler#receive} and {@link BackgroundSend#await} report
     * it: bytes or {@code -errno}, every status an exception.
     */
    static int bytes(int result, int fd, Supplier<Throwable> failure) throws IOException {
        if (result >= 0 || IoStatus.isErrno(result)) {
            return result;
        }
        if (result == IoStatus.TIMED_OUT) {
            throw new SocketTimeoutException("timed out");
        }
        throw exception(result, "interrupted during I/O on fd " + fd, failure);
    }

    /** What a closed scheduler's calls throw: why one of its pollers failed, or that it was closed. */
    static IOException closed(Throwable failure) {
        return failure != null
                ? new IOException("Loomring scheduler stopped: its poller failed: " + failure, failure)
                : new IOException("Loomring scheduler is closed");
    }

    private static IOException exception(int status, String interrupted, Supplier<Throwable> failure) {
        return switch (status) {
            case IoStatus.INTERRUPTED -> new InterruptedIOException(interrupted);
            case IoStatus.CANCELLED -> new AsynchronousCloseException();
            case IoStatus.CLOSED -> closed(failure.get());
            default -> throw new IllegalStateException("unknown status " + status);
        };
    }
}
