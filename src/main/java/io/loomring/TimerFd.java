package io.loomring;

import io.loomring.ffm.Native;
import io.loomring.ffm.TimerFdCalls;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;

/**
 * A non-blocking timerfd on {@code CLOCK_MONOTONIC}: a kernel timer whose fd becomes readable when
 * it expires, so one virtual thread can await a tick and other fds alike on an {@link IoScheduler}.
 *
 * <pre>{@code
 * try (TimerFd ticks = TimerFd.open()) {
 *     ticks.schedule(Duration.ofMillis(100), Duration.ofMillis(100));   // every 100 ms
 *     for (;;) {
 *         long expired;
 *         while ((expired = ticks.drain()) == 0) {
 *             io.awaitReadable(ticks.fd());
 *         }
 *         // `expired` ticks since the last drain (more than 1 if this thread fell behind)
 *     }
 * }
 * }</pre>
 *
 * <h2>Ownership of the fd</h2>
 * This object owns the fd and closes it exactly once, on {@link #close()}. The number returned by
 * {@link #fd()} is valid until then; do not close it yourself. Calls after close throw
 * {@link ClosedChannelException}; a call racing with close either completes on the open fd or
 * throws. Closing does not wake threads awaiting the fd on an {@code IoScheduler}: call
 * {@link IoScheduler#cancel(int)} first.
 *
 * <p>All methods are safe to call from any thread.
 */
public final class TimerFd implements Closeable {
    private final OwnedFd fd;

    private TimerFd(int fd) {
        this.fd = new OwnedFd(fd, "TimerFd");
    }

    /**
     * Creates a disarmed timer, non-blocking and close-on-exec.
     *
     * @return the new timer
     * @throws IOException if {@code timerfd_create} fails (for example EMFILE: too many open files)
     */
    public static TimerFd open() throws IOException {
        int r = TimerFdCalls.create(Native.threadCaptureState(), TimerFdCalls.CLOCK_MONOTONIC,
                TimerFdCalls.TFD_NONBLOCK | TimerFdCalls.TFD_CLOEXEC);
        if (r < 0) {
            throw OwnedFd.failure("timerfd_create", r);
        }
        return new TimerFd(r);
    }

    /**
     * The fd number, to await with {@link IoScheduler#awaitReadable(int)}. Valid until
     * {@link #close()}; owned by this object.
     *
     * @return the fd number
     * @throws ClosedChannelException if closed
     */
    public int fd() throws ClosedChannelException {
        return fd.number();
    }

    /**
     * Arms a one-shot timer: the fd becomes readable once, {@code delay} from now. Replaces any
     * earlier schedule.
     *
     * @param delay how long from now until the expiry
     * @throws IllegalArgumentException if {@code delay} is not positive
     * @throws ClosedChannelException   if closed
     */
    public void schedule(Duration delay) throws IOException {
        schedule(delay, Duration.ZERO);
    }

    /**
     * Arms the timer: first expiry {@code delay} from now, then every {@code period} (zero: once).
     * Replaces any earlier schedule; expirations not yet drained are discarded.
     *
     * @param delay  how long from now until the first expiry
     * @param period the time between later expiries; zero for one expiry only
     * @throws IllegalArgumentException if {@code delay} is not positive or {@code period} is negative
     * @throws ArithmeticException      if a duration does not fit in a long of nanoseconds (292 years)
     * @throws ClosedChannelException   if closed
     */
    public void schedule(Duration delay, Duration period) throws IOException {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(period, "period");
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("delay must be positive: " + delay);
        }
        if (period.isNegative()) {
            throw new IllegalArgumentException("period must not be negative: " + period);
        }
        setTime(delay.toNanos(), period.toNanos());
    }

    /**
     * Stops the timer; expirations not yet drained are discarded.
     *
     * @throws ClosedChannelException if closed
     */
    public void disarm() throws IOException {
        setTime(0, 0);
    }

    /**
     * Reads and resets the number of expirations, without blocking.
     *
     * @return the expirations since the last drain (or schedule), 0 if none
     * @throws ClosedChannelException if closed
     */
    public long drain() throws IOException {
        return fd.readCounter("read from timerfd");
    }

    private void setTime(long valueNanos, long intervalNanos) throws IOException {
        int f = fd.begin();
        try (Arena arena = Arena.ofConfined()) {
            int r = TimerFdCalls.setTime(Native.threadCaptureState(), f,
                    arena.allocate(TimerFdCalls.ITIMERSPEC_SIZE, 8), valueNanos, intervalNanos);
            if (r < 0) {
                throw OwnedFd.failure("timerfd_settime", r);
            }
        } finally {
            fd.end();
        }
    }

    /**
     * Whether the fd is open.
     *
     * @return true until {@link #close()}
     */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /**
     * Closes the fd (exactly once), which also stops the timer. Idempotent.
     *
     * @throws IOException if {@code close(2)} fails (the fd is released all the same)
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "TimerFd[" + fd + "]";
    }
}
