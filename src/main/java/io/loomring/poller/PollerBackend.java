package io.loomring.poller;

import java.io.IOException;

/**
 * The kernel side of one poller: a ring or an epoll set, driven by the poller's thread only. The
 * {@link Poller} owns the thread, the request queue, the sleep handshake and the lifecycle; a
 * backend only arms, disarms, submits and reaps. A backend that also runs ring operations (RECV,
 * SEND) is an {@link OperationBackend}. One backend serves one poller, once.
 *
 * <p>Call order: {@link #open} once; then any of the others from the poller thread; after the loop
 * {@link #releaseAll} and {@link #close} (also after {@code open} threw, then only what it created).
 */
public abstract class PollerBackend extends BackendAccess {
    /** Counters shown by {@code IoScheduler.stats()}; written by the backend on the poller thread. */
    protected final PollerCounters counters = new PollerCounters();

    /** For subclasses. */
    protected PollerBackend() {}

    /** The backend's short name in thread names ({@code "io_uring"}, {@code "epoll"}). */
    protected abstract String name();

    /**
     * Creates the kernel object and starts reading {@code wakeFd}, the eventfd other threads write
     * to wake the poller. Throw to refuse to start.
     *
     * @param subPoller true when the poller thread is a virtual thread that moves between platform
     *                  threads (its kernel object must accept submissions from any of them)
     */
    protected abstract void open(int wakeFd, boolean subPoller) throws IOException;

    /** Arms a pending await in the kernel (queued, submitted at the next {@link #submitAndReap}). */
    protected abstract void arm(Await a) throws IOException;

    /** Removes the kernel request of an armed await whose outcome was decided elsewhere. */
    protected abstract void disarm(Await a) throws IOException;

    /** Decides {@link Completion#CANCELLED} for every armed await on {@code fd} and removes its requests. */
    protected abstract void cancelFd(int fd) throws IOException;

    /**
     * Submits what was queued and dispatches completions; with {@code wait}, first waits until at
     * least one completion (a wakeup signal counts) is there.
     */
    protected abstract void submitAndReap(boolean wait) throws IOException;

    /**
     * Like {@code submitAndReap(true)}, but waits at most {@code timeoutNanos} (positive): a
     * carrier's sleep ends at its next timer.
     */
    protected abstract void submitAndReapWithin(long timeoutNanos) throws IOException;

    /** Decides {@code outcome} for every armed request and forgets them all. */
    protected abstract void releaseAll(int outcome);

    /** Releases the kernel object; after {@link #releaseAll}, or after {@link #open} threw. */
    protected abstract void close();

    /**
     * The fd that polls readable when {@link #submitAndReap submitAndReap(false)} has something to
     * reap (the ring, the epoll set): what a sub-poller awaits on its master. After open.
     */
    protected abstract int kernelFd();
}
