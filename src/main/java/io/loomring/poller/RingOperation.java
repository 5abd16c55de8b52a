package io.loomring.poller;

import io.loomring.ring.RingConstants;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A ring operation its thread waits for ({@link Poller#runOperation}). On a timeout or an
 * interrupt the thread asks for the operation to be cancelled and goes on waiting for the final
 * completion, since only that may decide (see {@link Operation}).
 */
public final class RingOperation extends Operation {
    private final Thread thread;
    /** Why the waiting thread asked for a cancel: 0, TIMED_OUT or INTERRUPTED (its own thread only). */
    private int cancelReason;

    private RingOperation(Thread thread, int fd, byte opcode, long address, int length, long offset, int opFlags,
                          boolean mayZeroCopy) {
        super(fd, opcode, address, length, offset, opFlags, mayZeroCopy);
        this.thread = thread;
    }

    /**
     * An operation of the current thread on {@code fd} with {@code length} bytes of native memory
     * at {@code address}.
     *
     * @param opcode {@code RingConstants.OP_RECV} or {@code OP_SEND}
     */
    public static RingOperation ofCurrentThread(int fd, byte opcode, long address, int length) {
        return new RingOperation(Thread.currentThread(), fd, opcode, address, length, 0L, 0, false);
    }

    /**
     * A {@code SEND} of the current thread, as {@link #ofCurrentThread(int, byte, long, int)}. With
     * {@code untimed} (no timeout limits the wait) it may go as {@code SEND_ZC}: the thread waits
     * until the decision anyway, and with it its buffer; a timeout could not be kept by a send that
     * ends only when the peer has acknowledged its bytes.
     */
    public static RingOperation sendOfCurrentThread(int fd, long address, int length, boolean untimed) {
        return new RingOperation(Thread.currentThread(), fd, RingConstants.OP_SEND, address, length, 0L, 0, untimed);
    }

    /**
     * A file operation of the current thread: as {@link #ofCurrentThread(int, byte, long, int)},
     * with the SQE's {@code off} and op-flags words (see {@code IoRoute}'s file methods for what
     * each opcode puts where).
     */
    public static RingOperation ofCurrentThread(int fd, byte opcode, long address, int length, long offset,
                                                int opFlags) {
        return new RingOperation(Thread.currentThread(), fd, opcode, address, length, offset, opFlags, false);
    }

    /** The thread that waits. */
    public Thread thread() {
        return thread;
    }

    /** Why the thread asked to cancel: 0 (it did not), {@link #TIMED_OUT} or {@link #INTERRUPTED}. */
    public int cancelReason() {
        return cancelReason;
    }

    @Override
    void onDecided() {
        if (Thread.currentThread() != thread) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The waiting thread's side: parks until the final completion. Once {@code timeoutNanos} have
     * passed or the thread is interrupted, it runs {@code requestCancel} once (given this
     * operation, so one instance can serve every operation) and keeps waiting. An interrupt status
     * is kept set for the caller.
     *
     * @param timeoutNanos how long to wait before asking for a cancel, or {@link #NO_TIMEOUT}
     * @return the decided state: {@link #READY} with {@link #result()}, or {@link #CLOSED}
     */
    public int awaitCompletion(long timeoutNanos, Consumer<? super RingOperation> requestCancel) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("only the waiting thread awaits its completion");
        }
        boolean timed = checkTimeout(timeoutNanos) != NO_TIMEOUT;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        boolean interruptCleared = false;
        long remaining = 0L; // until the deadline, as last read
        for (;;) {
            int s = state();
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
                } else if (timed && (remaining = deadline - System.nanoTime()) <= 0) {
                    cancelReason = TIMED_OUT;
                    requestCancel.accept(this);
                } else if (timed) {
                    CarrierLoop.parkUntil(this, deadline, remaining);
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
}
