package io.loomring.nio;

import io.loomring.IoRoute;
import io.loomring.IoScheduler;
import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.poller.WakeupLatch;
import java.io.IOException;

/**
 * How a select that may block waits for its epoll set. A virtual thread parks on the epoll fd
 * itself through the scheduler (the fd is readable while any fd in the set is ready, the wakeup
 * eventfd included), then collects the events with {@code epoll_wait(0)}: it holds no carrier and
 * no platform thread while it waits. A platform thread blocks in {@code epoll_wait}.
 *
 * <p>Every way a wait ends early (an interrupt, a stale signal, an await cancelled by someone
 * else) still collects the events that are there; the selector decides whether to wait again.
 */
final class SelectWait {
    private final EpollSet kernel;
    private final IoScheduler scheduler;
    private final WakeupLatch wakeups;

    SelectWait(EpollSet kernel, IoScheduler scheduler, WakeupLatch wakeups) {
        this.kernel = kernel;
        this.scheduler = scheduler;
        this.wakeups = wakeups;
    }

    /**
     * Waits until the epoll set has an event or {@code deadline} ({@link System#nanoTime()}; 0 for
     * none) passes, and returns the events in the set's array.
     *
     * @return the number of events (0 when the time ran out or the wait was interrupted)
     * @throws IOException if the scheduler is closed or the kernel refuses the wait
     */
    int await(long deadline) throws IOException {
        long timeoutNanos = 0;
        if (deadline != 0) {
            timeoutNanos = deadline - System.nanoTime();
            if (timeoutNanos <= 0) {
                return collect(0);
            }
        }
        if (wakeups.isWoken()) {
            return collect(0); // woken since the last wait: nothing to block for
        }
        if (Thread.currentThread().isVirtual()) {
            int epfd = kernel.fd();
            IoRoute route = scheduler.route(epfd);
            int status = route.awaitReadable(epfd, timeoutNanos);
            if (status == IoStatus.CLOSED) {
                throw route.closedException();
            }
            if (IoStatus.isErrno(status)) {
                throw new IOException("cannot await the selector's epoll fd " + epfd + ": " + Errno.describe(-status));
            }
            // READY, TIMED_OUT, INTERRUPTED (the interrupt also woke the latch) or CANCELLED: look.
            return collect(0);
        }
        return collect(deadline == 0 ? -1 : millisCeil(timeoutNanos));
    }

    /** {@code epoll_wait}; a signal's EINTR counts as no event (the selector's loop waits again). */
    private int collect(int timeoutMillis) throws IOException {
        int n = kernel.await(timeoutMillis);
        if (n == -Errno.EINTR) {
            return 0;
        }
        if (n < 0) {
            throw new IOException("epoll_wait failed: " + Errno.describe(-n));
        }
        return n;
    }

    /** The deadline {@code timeoutMillis} (positive) from now, as {@link #await} takes it. */
    static long deadline(long timeoutMillis) {
        long nanos = timeoutMillis >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE / 2 : timeoutMillis * 1_000_000L;
        long d = System.nanoTime() + nanos;
        return d == 0 ? 1 : d;
    }

    /** True when {@code deadline} (0: none) has passed. */
    static boolean expired(long deadline) {
        return deadline != 0 && deadline - System.nanoTime() <= 0;
    }

    /** Rounds up, so that a wait never ends before its deadline; at most Integer.MAX_VALUE (then the loop waits again). */
    private static int millisCeil(long nanos) {
        long ms = (nanos + 999_999L) / 1_000_000L;
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }
}
