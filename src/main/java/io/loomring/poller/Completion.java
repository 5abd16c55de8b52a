package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What every request the poller completes shares: the fd, and an outcome decided exactly once.
 * Completion, timeout, interrupt, cancel and close race for it; each tries one CAS from
 * {@link #PENDING} to its own outcome and exactly one wins. The kinds differ in who waits and who
 * may decide: a readiness {@link Await}, a {@link RingOperation} whose thread waits for the kernel,
 * and a {@link BackgroundOperation} that nobody waits for until someone joins it.
 *
 * <p>The fields the poller owns (slot, generation, the per-fd link) are read and written on the
 * poller thread only; they are package-private, and backends in the sub-packages reach them through
 * {@link BackendAccess} alone.
 */
public abstract sealed class Completion implements Request permits Await, Operation {
    /** Not decided yet. */
    public static final int PENDING = 0;
    /** The fd is ready (or in error, or hung up), or an operation's final completion is in. */
    public static final int READY = 1;
    /** The await timed out. */
    public static final int TIMED_OUT = 2;
    /** The waiting thread was interrupted. */
    public static final int INTERRUPTED = 3;
    /** {@code cancel(fd)} woke it. */
    public static final int CANCELLED = 4;
    /** The kernel rejected the poll; {@link #errno()} says why. */
    public static final int FAILED = 5;
    /** The scheduler closed (or its poller died) before the outcome was decided otherwise. */
    public static final int CLOSED = 6;

    /**
     * The one spelling of "no time limit" for every wait in this package, as in the JDK: a wait of
     * {@code 0} nanoseconds has no limit, a positive one ends after that long.
     */
    public static final long NO_TIMEOUT = 0L;

    /** Slot value before the poller armed the request. */
    static final int NOT_ARMED = -1;
    /** Slot value once the poller no longer tracks it. */
    static final int RELEASED = -2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Completion.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    /** Read and CASed as a volatile: the outcome is how deciders and the waiting thread meet. */
    @SuppressWarnings("unused")
    private volatile int state;
    /** Written by the decider before its CAS to FAILED; read after the state, so it is visible. */
    private int errno;

    /** Poller-owned: the slot this request holds, or NOT_ARMED / RELEASED. */
    int slot = NOT_ARMED;
    /** Poller-owned: the slot (or registration) generation when armed. */
    int generation;
    /** Poller-owned: scratch link for per-fd lists kept by a backend. */
    Completion nextOnFd;

    Completion(int fd) {
        this.fd = fd;
    }

    /** The fd this request is for. */
    public final int fd() {
        return fd;
    }

    /** The outcome so far. */
    public final int state() {
        return state;
    }

    /** True while no outcome has won. */
    public final boolean isPending() {
        return state == PENDING;
    }

    /** The errno of a {@link #FAILED} outcome. */
    public final int errno() {
        return errno;
    }

    /**
     * Tries to decide the outcome; on success wakes whoever waits for it (see {@link #onDecided()}).
     *
     * @return true when this call decided the outcome
     */
    public final boolean complete(int outcome) {
        // A full CAS: it orders the decider's earlier writes (errno, an operation's result) before
        // the waiting thread's volatile read of the state.
        if (!STATE.compareAndSet(this, PENDING, outcome)) {
            return false;
        }
        onDecided();
        return true;
    }

    /** Decides {@link #FAILED} with {@code errno}. */
    public final boolean fail(int errno) {
        this.errno = errno;
        return complete(FAILED);
    }

    /** Decides from a readiness completion's result: ready, or failed with {@code -res}. */
    public final boolean completeFromResult(int res) {
        return res < 0 ? fail(-res) : complete(READY);
    }

    /** Runs once, on the thread that won the CAS: wake the waiting thread (or joiner), if any. */
    abstract void onDecided();

    /** Checks a wait's limit against the one rule (see {@link #NO_TIMEOUT}). */
    static long checkTimeout(long timeoutNanos) {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("a timeout is NO_TIMEOUT (0) or positive: " + timeoutNanos);
        }
        return timeoutNanos;
    }
}
