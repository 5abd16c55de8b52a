package io.loomring.poller;

import java.util.concurrent.locks.LockSupport;

/**
 * One readiness await: a parked thread waits for poll events on one fd. Its thread may decide its
 * own timeout or interrupt, since the late completion of a poll carries nothing and is dropped as
 * stale; the thread then hands the await to the poller once more, so the kernel request is removed.
 *
 * <p>The waiting thread re-reads the outcome after every return from park, so a wakeup is never
 * lost (an unpark before the park only makes the park return at once).
 */
public final class Await extends Completion {
    private final Thread thread;
    private final int events;

    /**
     * @param thread the thread to unpark
     * @param fd     the fd awaited
     * @param events poll events ({@code POLLIN}, {@code POLLOUT})
     */
    public Await(Thread thread, int fd, int events) {
        super(fd);
        this.thread = thread;
        this.events = events;
    }

    /** The thread that awaits. */
    public Thread thread() {
        return thread;
    }

    /** The poll events awaited. */
    public int events() {
        return events;
    }

    @Override
    void onDecided() {
        if (Thread.currentThread() != thread) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The waiting thread's side: parks until an outcome is decided and returns it. On an interrupt
     * (the interrupt status is left set) or once {@code timeoutNanos} have passed, it tries to
     * decide {@link #INTERRUPTED} or {@link #TIMED_OUT} itself; when it wins, it runs
     * {@code onOwnOutcome} (the poller must then remove the kernel request).
     *
     * @param timeoutNanos how long to wait, or {@link #NO_TIMEOUT}
     * @param onOwnOutcome run once when this thread decided the outcome itself
     * @return the decided state, never {@link #PENDING}
     * @throws IllegalStateException when called from a thread other than {@link #thread()}
     */
    public int awaitOutcome(long timeoutNanos, Runnable onOwnOutcome) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("only the waiting thread awaits its outcome");
        }
        boolean timed = checkTimeout(timeoutNanos) != NO_TIMEOUT;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        for (;;) {
            int s = state();
            if (s != PENDING) {
                return s;
            }
            if (thread.isInterrupted()) {
                if (complete(INTERRUPTED)) {
                    onOwnOutcome.run();
                }
                continue;
            }
            if (timed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    if (complete(TIMED_OUT)) {
                        onOwnOutcome.run();
                    }
                    continue;
                }
                CarrierLoop.parkUntil(this, deadline, remaining);
            } else {
                LockSupport.park(this);
            }
        }
    }
}
