package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A poller's counters. The poller thread is the only writer of most of them and bumps them with
 * opaque stores (no fence on the hot path); other threads read them with opaque loads, which is
 * enough for monitoring. {@link #WAKEUPS} is bumped by the threads that signal the poller.
 */
public final class PollerCounters {
    /** {@code io_uring_enter} or {@code epoll_wait} calls. */
    public static final int ENTERS = 0;
    /** Kernel requests submitted (SQEs, or epoll_ctl calls). */
    public static final int SUBMITTED = 1;
    /** Completions (CQEs, or epoll events) reaped. */
    public static final int COMPLETIONS = 2;
    /** Completions dropped because their generation no longer matched. */
    public static final int STALE = 3;
    /** Signals sent to wake a sleeping poller. */
    public static final int WAKEUPS = 4;
    /** CQ overflow flushes. */
    public static final int OVERFLOW_FLUSHES = 5;
    /** Gauge: awaits currently armed in the kernel. */
    public static final int ARMED = 6;
    /** Requests submitted again after the kernel cancelled them as their submitting thread exited. */
    public static final int RESUBMITTED = 7;
    /** Virtual threads started on a carrier that the balancer sent to start on another one. */
    public static final int STARTS_SENT = 8;
    /**
     * Gauge: provided buffers holding bytes a socket has not read yet (multishot receives); bumped
     * by the poller and by the reading threads that hand buffers back, so always with
     * {@link #addShared}.
     */
    public static final int RECEIVE_BUFFERS_HELD = 9;
    /** Sends submitted as {@code SEND_ZC}. */
    public static final int ZERO_COPY_SENDS = 10;
    /** {@code SEND_ZC} notifications saying the kernel copied the data after all (at least partly). */
    public static final int ZERO_COPY_COPIED = 11;
    /** {@code SEND_ZC} requests the kernel refused (EINVAL, EOPNOTSUPP, ENOMEM), sent again as {@code SEND}. */
    public static final int ZERO_COPY_REFUSED = 12;
    /** Connections reset to end a cancelled {@code SEND_ZC} whose bytes the kernel had taken. */
    public static final int ZERO_COPY_RESETS = 13;
    /** Gauge: sockets whose file the ring holds in its registered-file table now. */
    public static final int FIXED_FILES = 14;
    /**
     * Times a carrier found a carried thread's inline action still open when another thread (or
     * its own loop) reached the poller's state: the thread had left its carrier inside it. Always 0
     * unless something in those actions parks (what the soak tests check).
     */
    public static final int INLINE_OVERLAPS = 15;
    /** Timed waits of carried threads that their carrier's timers ended (the deadline passed). */
    public static final int TIMERS_FIRED = 16;
    private static final int COUNT = 17;

    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);
    private final long[] values = new long[COUNT];

    /** All counters at zero. */
    public PollerCounters() {}

    /** Adds {@code n}; poller thread only. */
    public void add(int counter, long n) {
        // Opaque read-then-write, not atomic: only the poller thread writes these counters.
        ELEMENT.setOpaque(values, counter, (long) ELEMENT.getOpaque(values, counter) + n);
    }

    /** Sets a gauge; poller thread only. */
    public void set(int counter, long value) {
        // Opaque: readers need the value to show up, not any ordering with other fields.
        ELEMENT.setOpaque(values, counter, value);
    }

    /** Adds {@code n} atomically; any thread. */
    public void addShared(int counter, long n) {
        // Atomic (volatile) add: several signalling threads may bump the same counter at once.
        ELEMENT.getAndAdd(values, counter, n);
    }

    /** Reads a counter; any thread. */
    public long get(int counter) {
        // Opaque: a monitoring read (or the poller reading its own count); nothing is ordered by it.
        return (long) ELEMENT.getOpaque(values, counter);
    }
}
