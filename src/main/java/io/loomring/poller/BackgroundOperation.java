package io.loomring.poller;

import io.loomring.ring.RingConstants;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A ring operation nobody waits for (write-behind): its starter goes on at once, and whoever needs
 * its outcome later {@linkplain #join joins} it. Its {@code onDone} action runs once, on the thread
 * that decides the outcome, when the kernel is done with its buffer and fd. Since no thread waits
 * for it, only {@code cancel(fd)} or the poller's close cancel it.
 */
public final class BackgroundOperation extends Operation {
    private static final VarHandle JOINER;

    static {
        try {
            JOINER = MethodHandles.lookup().findVarHandle(BackgroundOperation.class, "joiner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Runnable onDone;
    /** The joining thread while it joins. */
    @SuppressWarnings("unused")
    private volatile Thread joiner;

    /**
     * An operation on {@code fd} with {@code length} bytes of native memory at {@code address}. The
     * caller keeps the buffer alive and untouched until {@code onDone} has run.
     *
     * @param opcode {@code RingConstants.OP_SEND}
     * @param onDone run once when the outcome is decided, on the deciding thread (mostly the
     *               poller's): it must be short and must not block
     */
    public BackgroundOperation(int fd, byte opcode, long address, int length, Runnable onDone) {
        // Whoever started it keeps the buffer until onDone, which runs at the decision: SEND_ZC may
        // serve it, the decision then waiting for the notification that the kernel is done with it.
        super(fd, opcode, address, length, 0L, 0, opcode == RingConstants.OP_SEND);
        this.onDone = onDone;
    }

    @Override
    void onDecided() {
        onDone.run();
        // Volatile read after the decider's CAS; join() writes joiner (volatile) before it reads
        // the state: each side writes, then reads the other's, so one of the two sees the other.
        Thread t = (Thread) JOINER.getVolatile(this);
        if (t != null && Thread.currentThread() != t) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The outcome, for any thread: parks until it is decided, or until {@code timeoutNanos} have
     * passed or the thread is interrupted. Giving up cancels nothing: the operation goes on in the
     * kernel and can be joined again.
     *
     * @param timeoutNanos how long to wait, or {@link #NO_TIMEOUT}
     * @return the decided state, or {@link #PENDING} when the wait ended first (the interrupt
     *         status, if that was why, stays set)
     */
    public int join(long timeoutNanos) {
        Thread self = Thread.currentThread();
        boolean timed = checkTimeout(timeoutNanos) != NO_TIMEOUT;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        JOINER.setVolatile(this, self); // see onDecided: the write must come before the state read
        try {
            for (;;) {
                int s = state();
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
                CarrierLoop.parkUntil(this, deadline, remaining);
            }
        } finally {
            JOINER.setVolatile(this, null);
        }
    }
}
