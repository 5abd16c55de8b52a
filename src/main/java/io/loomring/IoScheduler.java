package io.loomring;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.poller.Poller;
import io.loomring.poller.PollerCounters;
import io.loomring.poller.Waiter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Objects;

/**
 * Parks threads until file descriptors are ready, with one poller thread doing the waiting in the
 * kernel (io_uring, or epoll where io_uring is unavailable).
 *
 * <p>Typical use, on a virtual thread, with a non-blocking fd:
 * <pre>{@code
 * IoScheduler io = IoScheduler.shared();
 * while ((n = read(fd, buf)) == -EAGAIN) {
 *     io.awaitReadable(fd);          // parks this thread, not its carrier
 * }
 * }</pre>
 *
 * <p>Readiness is level-checked when the await is armed: an fd that is already ready wakes the
 * caller at once. {@code POLLERR} and {@code POLLHUP} count as ready; the next read or write tells
 * the caller what happened. A wakeup can be spurious (after a kernel-side completion loss), so
 * callers always retry their syscall.
 *
 * <p>Every await ends with exactly one outcome: ready, timed out ({@code false}), interrupted
 * ({@link InterruptedIOException}, interrupt status left set), cancelled
 * ({@link AsynchronousCloseException}, see {@link #cancel}), the fd rejected by the kernel
 * ({@link IOException} with the errno), or the scheduler closed ({@link IOException}).
 *
 * <p>Instances are thread-safe.
 */
public final class IoScheduler implements AutoCloseable {
    /** Poll event: readable. */
    static final int POLLIN = 0x001;
    /** Poll event: writable. */
    static final int POLLOUT = 0x004;

    private static final System.Logger LOG = System.getLogger("io.loomring");

    private final Poller poller;
    private final Backend backend;
    private final String reason;
    private final boolean shared;

    private IoScheduler(BackendSelector.Selection selection, boolean shared) {
        this.poller = selection.poller();
        this.backend = selection.backend();
        this.reason = selection.reason();
        this.shared = shared;
        // One line per scheduler: INFO for the process-wide one, DEBUG for the ones applications
        // build (often many, and backend()/backendReason() tell the same programmatically).
        LOG.log(shared ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                "Loomring {0} scheduler uses the {1} backend: {2}",
                shared ? "shared" : "new", backend, reason);
    }

    private static final class SharedHolder {
        /** The scheduler, or null when it could not start. */
        static final IoScheduler INSTANCE;
        /** Why it could not start, or null. Kept: a failed class initialization cannot be retried. */
        static final RuntimeException FAILURE;

        static {
            IoScheduler instance = null;
            RuntimeException failure = null;
            try {
                instance = createShared();
            } catch (RuntimeException e) {
                failure = e;
            }
            INSTANCE = instance;
            FAILURE = failure;
        }

        private static IoScheduler createShared() {
            String property = System.getProperty("loomring.backend", "auto");
            Backend backend = Backend.parse(property);
            return new IoScheduler(BackendSelector.select(backend, "loomring.backend=" + property,
                    BackendSelector.DEFAULT_ENTRIES, IoUringSyscalls.kernel(), EpollSyscalls.kernel()), true);
        }
    }

    /**
     * The process-wide scheduler, started on first use, with a daemon poller thread. Its backend
     * follows the system property {@code loomring.backend} ({@code auto}, {@code io_uring},
     * {@code epoll}; default {@code auto}). It cannot be closed.
     *
     * @throws IllegalArgumentException when {@code loomring.backend} names no backend
     * @throws UncheckedIOException     when the requested backend cannot start
     *                                  (every later call throws the same)
     */
    public static IoScheduler shared() {
        IoScheduler instance = SharedHolder.INSTANCE;
        if (instance == null) {
            throw sharedFailure(SharedHolder.FAILURE);
        }
        return instance;
    }

    /** A fresh exception per call, of the type {@link #shared()} documents, caused by the first. */
    private static RuntimeException sharedFailure(RuntimeException first) {
        if (first instanceof UncheckedIOException u) {
            return new UncheckedIOException(u.getMessage(), u.getCause());
        }
        if (first instanceof IllegalArgumentException) {
            return new IllegalArgumentException(first.getMessage(), first);
        }
        return new IllegalStateException("the shared Loomring scheduler failed to start: " + first, first);
    }

    /** A builder for a scheduler of one's own (close it when done). */
    public static Builder builder() {
        return new Builder();
    }

    /** The backend in use: {@link Backend#IO_URING} or {@link Backend#EPOLL}, never AUTO. */
    public Backend backend() {
        return backend;
    }

    /** Why this backend was chosen, for example "io_uring_setup failed: EPERM (...)". */
    public String backendReason() {
        return reason;
    }

    /**
     * Parks the calling thread until {@code fd} is readable.
     *
     * @throws IllegalArgumentException if {@code fd < 0}
     * @throws InterruptedIOException if the thread is interrupted (its interrupt status stays set)
     * @throws AsynchronousCloseException if {@link #cancel} was called for {@code fd}
     * @throws IOException if the fd is closed or invalid, or the scheduler is closed
     */
    public void awaitReadable(int fd) throws IOException {
        await(fd, POLLIN, -1);
    }

    /**
     * Parks the calling thread until {@code fd} is readable or the timeout elapses. A zero or
     * negative timeout checks readiness without parking.
     *
     * @return true when readable, false when the timeout elapsed first
     * @throws IOException as {@link #awaitReadable(int)}
     */
    public boolean awaitReadable(int fd, Duration timeout) throws IOException {
        return await(fd, POLLIN, nanos(timeout));
    }

    /**
     * Parks the calling thread until {@code fd} is writable.
     *
     * @throws IOException as {@link #awaitReadable(int)}
     */
    public void awaitWritable(int fd) throws IOException {
        await(fd, POLLOUT, -1);
    }

    /**
     * Parks the calling thread until {@code fd} is writable or the timeout elapses.
     *
     * @return true when writable, false when the timeout elapsed first
     * @throws IOException as {@link #awaitReadable(int)}
     */
    public boolean awaitWritable(int fd, Duration timeout) throws IOException {
        return await(fd, POLLOUT, nanos(timeout));
    }

    /**
     * Wakes every thread awaiting {@code fd} on this scheduler with
     * {@link AsynchronousCloseException} and removes their kernel-side polls. Returns once the
     * removals are submitted, so the caller can then close the fd: a later fd with the same number
     * is never woken by them. Awaits that start after this call are not affected.
     *
     * @throws IllegalArgumentException if {@code fd < 0}
     */
    public void cancel(int fd) {
        checkFd(fd);
        poller.cancel(fd);
    }

    /**
     * A snapshot of the counters.
     */
    public Stats stats() {
        PollerCounters c = poller.counters();
        return new Stats(c.get(PollerCounters.ENTERS), c.get(PollerCounters.SUBMITTED),
                c.get(PollerCounters.COMPLETIONS), c.get(PollerCounters.STALE),
                c.get(PollerCounters.WAKEUPS), c.get(PollerCounters.OVERFLOW_FLUSHES),
                c.get(PollerCounters.ARMED));
    }

    /** True once closed, or once the poller thread failed. */
    public boolean isClosed() {
        return poller.isTerminated();
    }

    /**
     * Stops the poller and releases its thread, fds and ring memory. Threads still waiting fail
     * with an {@link IOException} saying the scheduler is closed, as do later awaits. Idempotent.
     *
     * @throws UnsupportedOperationException on {@link #shared()}
     */
    @Override
    public void close() {
        if (shared) {
            throw new UnsupportedOperationException("the shared Loomring scheduler cannot be closed");
        }
        poller.close();
    }

    @Override
    public String toString() {
        return "IoScheduler[" + backend + (poller.isTerminated() ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------

    private boolean await(int fd, int events, long timeoutNanos) throws IOException {
        checkFd(fd);
        if (poller.isTerminated()) {
            throw closedException();
        }
        Thread thread = Thread.currentThread();
        if (thread.isInterrupted()) {
            throw new InterruptedIOException("interrupted before awaiting fd " + fd);
        }
        if (timeoutNanos == 0) {
            return ReadinessCheck.isReady(fd, events);
        }
        Waiter w = new Waiter(thread, fd, events);
        poller.submit(w);
        // On its own timeout or interrupt the waiter is queued again, so the poller removes the poll.
        return outcome(w, w.awaitOutcome(timeoutNanos > 0 ? timeoutNanos : -1, () -> poller.submit(w)));
    }

    private boolean outcome(Waiter w, int state) throws IOException {
        return switch (state) {
            case Waiter.READY -> true;
            case Waiter.TIMED_OUT -> false;
            case Waiter.INTERRUPTED -> throw new InterruptedIOException("interrupted while awaiting fd " + w.fd());
            case Waiter.CANCELLED -> throw new AsynchronousCloseException();
            case Waiter.FAILED -> throw new IOException("cannot await fd " + w.fd() + ": "
                    + io.loomring.ffm.Errno.describe(w.errno()));
            case Waiter.CLOSED -> throw closedException();
            default -> throw new IllegalStateException("unknown await state " + state);
        };
    }

    private IOException closedException() {
        Throwable failure = poller.failure();
        return failure != null
                ? new IOException("Loomring scheduler stopped: its poller failed: " + failure, failure)
                : new IOException("Loomring scheduler is closed");
    }

    private static void checkFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0: " + fd);
        }
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return Math.max(1, timeout.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Builds a scheduler of one's own.
     */
    public static final class Builder {
        private Backend backend = Backend.AUTO;
        private int ringEntries = BackendSelector.DEFAULT_ENTRIES;
        private IoUringSyscalls syscalls = IoUringSyscalls.kernel();
        private EpollSyscalls epollSyscalls = EpollSyscalls.kernel();

        private Builder() {}

        /** The backend to use; {@link Backend#AUTO} (the default) tries io_uring first. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Submission-queue entries of the io_uring ring (the CQ gets twice as many). The kernel
         * rounds up to a power of two. Default 256; ignored by epoll.
         *
         * @throws IllegalArgumentException unless 1..32768
         */
        public Builder ringEntries(int entries) {
            if (entries < 1 || entries > io.loomring.ring.RingConstants.MAX_ENTRIES) {
                throw new IllegalArgumentException("ringEntries must be in [1, 32768]: " + entries);
            }
            this.ringEntries = entries;
            return this;
        }

        /** Test seam: the io_uring syscall layer (to inject kernel failures). */
        Builder syscalls(IoUringSyscalls syscalls) {
            this.syscalls = Objects.requireNonNull(syscalls, "syscalls");
            return this;
        }

        /** Test seam: the epoll syscall layer (to inject kernel failures). */
        Builder epollSyscalls(EpollSyscalls syscalls) {
            this.epollSyscalls = Objects.requireNonNull(syscalls, "syscalls");
            return this;
        }

        /**
         * Starts the scheduler's poller.
         *
         * @throws UncheckedIOException when the backend cannot start (for {@link Backend#IO_URING}:
         *                              io_uring unavailable; AUTO falls back to epoll instead)
         */
        public IoScheduler build() {
            return new IoScheduler(BackendSelector.select(backend, "the builder", ringEntries, syscalls,
                    epollSyscalls), false);
        }
    }
}
