package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One await on one fd: the parked thread, what it waits for, and its outcome. Or, made by
 * {@link #operation}, one ring operation with a buffer (a {@code RECV} or {@code SEND}) and its
 * result.
 *
 * <h2>Operations decide differently</h2>
 * A poll's thread may decide its own timeout or interrupt: the late completion of a poll carries
 * nothing and is dropped as stale. An operation's completion carries bytes, and the kernel may
 * still be writing its buffer, so an operation's outcome is decided by its completion only. On a
 * timeout or an interrupt the thread asks for the operation to be cancelled and goes on waiting
 * for the final completion ({@link #awaitCompletion}); whatever it reports (bytes that arrived
 * before the cancel took effect, or {@code -ECANCELED}) is the result, delivered exactly once.
 *
 * <p>Completion, timeout, interrupt, cancel and close race for every await. Each of them tries one
 * CAS from {@link #PENDING} to its own outcome; exactly one wins. The winner that is not the
 * waiting thread itself unparks it; the waiting thread re-reads {@link #state()} after every
 * return from park, so a wakeup can never be lost (an unpark before the park only makes the park
 * return at once).
 *
 * <h2>Background operations</h2>
 * An operation made by {@link #background} has no thread of its own: its starter goes on at once
 * (write-behind), and whoever needs its outcome later {@linkplain #join joins} it. Its
 * {@code onDone} action runs once, on the thread that decides the outcome, when the kernel is done
 * with its buffer and fd. Since no thread waits for it, only {@code cancel(fd)} or the poller's
 * close cancel it.
 *
 * <p>The poller-owned fields ({@link #slot}, {@link #generation}) are read and written only on the
 * poller thread.
 */
public final class Waiter {
    /** Not decided yet. */
    public static final int PENDING = 0;
    /** The fd is ready (or in error, or hung up). */
    public static final int READY = 1;
    /** The await timed out. */
    public static final int TIMED_OUT = 2;
    /** The waiting thread was interrupted. */
    public static final int INTERRUPTED = 3;
    /** {@code cancel(fd)} woke it. */
    public static final int CANCELLED = 4;
    /** The kernel rejected the poll; {@link #errno()} says why. */
    public static final int FAILED = 5;
    /** The scheduler closed (or its poller died) before the fd was ready. */
    public static final int CLOSED = 6;

    /** {@link #slot} value before the poller armed the await. */
    public static final int NOT_ARMED = -1;
    /** {@link #slot} value once the poller no longer tracks it. */
    public static final int RELEASED = -2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The waiting thread; null for a {@linkplain #background background} operation. */
    private final Thread thread;
    /** A background operation's joining thread while it joins (see {@link #join}). */
    private volatile Thread joiner;
    /** Run once when the outcome is decided (background operations), else null. */
    private final Runnable onDone;
    private final int fd;
    private final int events;
    private final byte opcode;
    private final long address;
    private final int length;
    private volatile int state;
    /** Written by the poller before it CASes to FAILED; read after the state, so it is visible. */
    private int errno;
    /** An operation's CQE result, written before the CAS to READY. */
    private int result;
    /** Why the waiting thread asked for its operation to be cancelled: 0, TIMED_OUT or INTERRUPTED. */
    private int cancelReason;

    /** Poller-owned: an ASYNC_CANCEL for this operation is in the ring (ask only once). */
    public boolean cancelSubmitted;
    /** Poller-owned: the operation was cancelled by {@code cancel(fd)}. */
    public boolean cancelledByFd;

    /** Poller-owned: the slot this await holds, or NOT_ARMED / RELEASED. */
    public int slot = NOT_ARMED;
    /** Poller-owned: the slot generation when armed. */
    public int generation;
    /** Poller-owned: scratch link for per-fd lists kept by a backend. */
    public Waiter nextOnFd;

    /**
     * @param thread the thread to unpark
     * @param fd     the fd awaited
     * @param events poll events (POLLIN, POLLOUT)
     */
    public Waiter(Thread thread, int fd, int events) {
        this(thread, fd, events, (byte) 0, 0L, 0, null);
    }

    private Waiter(Thread thread, int fd, int events, byte opcode, long address, int length, Runnable onDone) {
        this.thread = thread;
        this.onDone = onDone;
        this.fd = fd;
        this.events = events;
        this.opcode = opcode;
        this.address = address;
        this.length = length;
    }

    /**
     * A ring operation of the current thread on {@code fd} with {@code length} bytes of native
     * memory at {@code address}.
     *
     * @param opcode {@code RingConstants.OP_RECV} or {@code OP_SEND}
     */
    public static Waiter operation(int fd, byte opcode, long address, int length) {
        return new Waiter(Thread.currentThread(), fd, 0, opcode, address, length, null);
    }

    /**
     * A ring operation nobody waits for (see the class comment). The caller keeps the buffer alive
     * and untouched until {@code onDone} has run.
     *
     * @param onDone run once when the outcome is decided, on the deciding thread (mostly the
     *               poller's): it must be short and must not block
     */
    public static Waiter background(int fd, byte opcode, long address, int length, Runnable onDone) {
        return new Waiter(null, fd, 0, opcode, address, length, onDone);
    }

    /** True for an operation made by {@link #background}. */
    public boolean isBackground() {
        return thread == null;
    }

    /** True for a ring operation with a buffer, false for a readiness poll. */
    public boolean isOperation() {
        return opcode != 0;
    }

    /** The operation's opcode (0 for a poll). */
    public byte opcode() {
        return opcode;
    }

    /** The operation's buffer address. */
    public long address() {
        return address;
    }

    /** The operation's buffer length. */
    public int length() {
        return length;
    }

    /** The operation's result (bytes, or a negative errno), once {@link #READY}. */
    public int result() {
        return result;
    }

    /** Why the thread asked to cancel its operation: 0 (it did not), {@link #TIMED_OUT} or {@link #INTERRUPTED}. */
    public int cancelReason() {
        return cancelReason;
    }

    /** Poller: decides an operation's outcome from its final completion. */
    public boolean completeOperation(int res) {
        this.result = res;
        return complete(READY);
    }

    /** The thread that awaits. */
    public Thread thread() {
        return thread;
    }

    /** The fd awaited. */
    public int fd() {
        return fd;
    }

    /** The poll events awaited. */
    public int events() {
        return events;
    }

    /** The outcome so far. */
    public int state() {
        return state;
    }

    /** The errno of a {@link #FAILED} outcome. */
    public int errno() {
        return errno;
    }

    /** True while no outcome has won. */
    public boolean isPending() {
        return state == PENDING;
    }

    /**
     * Tries to decide the outcome; on success wakes the waiting thread when the caller is not it.
     *
     * @return true when this call decided the outcome
     */
    public boolean complete(int outcome) {
        if (!STATE.compareAndSet(this, PENDING, outcome)) {
            return false;
        }
        if (onDone != null) {
            onDone.run();
        }
        // Read after the CAS; join() writes joiner before reading the state: one of the two sees the other.
        Thread t = thread != null ? thread : joiner;
        if (t != null && Thread.currentThread() != t) {
            LockSupport.unpark(t);
        }
        return true;
    }

    /**
     * A {@linkplain #background background} operation's outcome, for any thread: parks until it is
     * decided, or until {@code timeoutNanos} (if positive) have passed or the thread is interrupted.
     * Giving up cancels nothing: the operation goes on in the kernel and can be joined again.
     *
     * @return the decided state, or {@link #PENDING} when the wait ended first (the interrupt
     *         status, if that was why, stays set)
     */
    public int join(long timeoutNanos) {
        Thread self = Thread.currentThread();
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        joiner = self;
        try {
            for (;;) {
                int s = state;
                if (s != PENDING || self.isInterrupted()) {
                    return s;
                }
                if (!timed) {
                    LockSupport.park(this);
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return PENDING;
                }
                LockSupport.parkNanos(this, remaining);
            }
        } finally {
            joiner = null;
        }
    }

    /**
     * The waiting thread's side: parks until an outcome is decided and returns it. On an interrupt
     * (the interrupt status is left set) or once {@code timeoutNanos} have passed, it tries to
     * decide {@link #INTERRUPTED} or {@link #TIMED_OUT} itself; when it wins, it runs
     * {@code onOwnOutcome} (the poller must then remove the kernel request). The state is re-read
     * after every return from park, so an unpark that comes before the park is never lost.
     *
     * @param timeoutNanos how long to wait, or a negative value for no limit
     * @param onOwnOutcome run once when this thread decided the outcome itself
     * @return the decided state, never {@link #PENDING}
     * @throws IllegalStateException when called from a thread other than {@link #thread()}
     */
    public int awaitOutcome(long timeoutNanos, Runnable onOwnOutcome) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("only the waiting thread awaits its outcome");
        }
        boolean timed = timeoutNanos >= 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        for (;;) {
            int s = state;
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
                LockSupport.parkNanos(this, remaining);
            } else {
                LockSupport.park(this);
            }
        }
    }

    /**
     * The waiting thread's side of an {@linkplain #operation operation}: parks until its final
     * completion. Once {@code timeoutNanos} have passed (if positive) or the thread is interrupted,
     * it runs {@code requestCancel} once (given this waiter, so one instance can serve every
     * operation) and keeps waiting, since only the completion may decide (see the class comment).
     * An interrupt status is kept set for the caller.
     *
     * @return the decided state: {@link #READY} with {@link #result()}, or {@link #CLOSED}
     */
    public int awaitCompletion(long timeoutNanos, Consumer<Waiter> requestCancel) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("only the waiting thread awaits its completion");
        }
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        boolean interruptCleared = false;
        for (;;) {
            int s = state;
            if (s != PENDING) {
                if (interruptCleared) {
                    thread.interrupt();
                }
                return s;
            }
            if (cancelReason == 0) {
                if (thread.isInterrupted()) {
                    cancelReason = INTERRUPTED;
                    requestCancel.accept(this);
                } else if (timed && deadline - System.nanoTime() <= 0) {
                    cancelReason = TIMED_OUT;
                    requestCancel.accept(this);
                } else if (timed) {
                    LockSupport.parkNanos(this, deadline - System.nanoTime());
                } else {
                    LockSupport.park(this);
                }
            } else {
                // Waiting for the cancelled operation's final completion: a set interrupt status
                // would make every park return at once, so it is held back until then.
                if (Thread.interrupted()) {
                    interruptCleared = true;
                }
                LockSupport.park(this);
            }
        }
    }

    /** Decides the outcome {@link #FAILED} with {@code errno}. */
    public boolean fail(int errno) {
        this.errno = errno;
        return complete(FAILED);
    }
}
