package io.loomring.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code timerfd_create} and {@code timerfd_settime}: a timer whose expirations make an fd readable.
 *
 * <p>Like {@link LibC}, every method returns a non-negative result or {@code -errno}.
 */
public final class TimerFdCalls {
    private TimerFdCalls() {}

    /** {@code CLOCK_MONOTONIC}: not affected by changes of the wall clock. */
    public static final int CLOCK_MONOTONIC = 1;
    /** {@code TFD_NONBLOCK}. */
    public static final int TFD_NONBLOCK = LibC.O_NONBLOCK;
    /** {@code TFD_CLOEXEC}. */
    public static final int TFD_CLOEXEC = LibC.O_CLOEXEC;
    /** Size of {@code struct itimerspec}: {@code it_interval} then {@code it_value}, each two longs. */
    public static final long ITIMERSPEC_SIZE = 32;

    private static final MethodHandle CREATE = Native.capturing("timerfd_create",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETTIME = Native.capturing("timerfd_settime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    /** {@code timerfd_create(clock, flags)}. */
    public static int create(MemorySegment capture, int clock, int flags) {
        try {
            return (int) Native.result((int) CREATE.invokeExact(capture, clock, flags), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * {@code timerfd_settime(fd, 0, spec, NULL)} with a relative first expiry.
     *
     * @param spec an {@link #ITIMERSPEC_SIZE}-byte segment, filled here
     * @param valueNanos  nanoseconds until the first expiry; 0 disarms the timer
     * @param intervalNanos nanoseconds between later expiries; 0 for a one-shot timer
     */
    public static int setTime(MemorySegment capture, int fd, MemorySegment spec, long valueNanos,
                              long intervalNanos) {
        spec.set(JAVA_LONG, 0, intervalNanos / 1_000_000_000L);
        spec.set(JAVA_LONG, 8, intervalNanos % 1_000_000_000L);
        spec.set(JAVA_LONG, 16, valueNanos / 1_000_000_000L);
        spec.set(JAVA_LONG, 24, valueNanos % 1_000_000_000L);
        try {
            return (int) Native.result((int) SETTIME.invokeExact(capture, fd, 0, spec, MemorySegment.NULL),
                    capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
