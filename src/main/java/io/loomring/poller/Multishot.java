package io.loomring.poller;

import io.loomring.ring.SpinLock;
import java.util.concurrent.locks.LockSupport;

/**
 * A multishot request: armed once, it posts a completion per result (bytes received, a connection
 * accepted) until it ends. The results wait here, in order, until the one thread that consumes
 * them (under its socket's lock) takes them; so results that come while nobody waits cost neither
 * a submission nor a re-arm in the kernel.
 *
 * <p>Threads: the poller thread {@linkplain #push queues} results and decides the final outcome;
 * the consumer takes them, from any thread. The queue is guarded by a {@link SpinLock}, not a
 * monitor: the poller's side may run on a carried thread, which must not leave its carrier there
 * (see {@link SpinLock}). Every
 * result is queued before the final completion decides the outcome, so a consumer that sees the
 * outcome decided and the queue empty has had every result.
 *
 * <p>Like every {@link Operation}, only the final completion (or the poller's close) decides it;
 * its {@code onEnded} action then runs once, on the deciding thread.
 */
public abstract sealed class Multishot extends Operation permits MultishotReceive, MultishotAccept {
    private final Runnable onEnded;
    /** The consumer while it waits for a result or the end. */
    private volatile Thread waiter;
    /** Guards the queue below. */
    private final SpinLock queueLock = new SpinLock();
    /** Queued results, oldest first; guarded by {@link #queueLock}. */
    private long[] items = new long[8];
    private int first;
    private int count;

    Multishot(int fd, byte opcode, int opFlags, Runnable onEnded) {
        super(fd, opcode, 0L, 0, 0L, opFlags, false);
        this.onEnded = onEnded;
    }

    /**
     * Queues a result and wakes the consumer.
     *
     * @return how many results are queued now
     */
    final int push(long item) {
        int queued;
        queueLock.lock();
        try {
            if (count == items.length) {
                long[] grown = new long[items.length * 2];
                for (int i = 0; i < count; i++) {
                    grown[i] = items[(first + i) % items.length];
                }
                items = grown;
                first = 0;
            }
            items[(first + count) % items.length] = item;
            count++;
            queued = count;
        } finally {
            queueLock.unlock();
        }
        wakeConsumer();
        return queued;
    }

    /** The oldest result, or -1 when none is queued (results are never negative). */
    final long peek() {
        queueLock.lock();
        try {
            return count == 0 ? -1 : items[first];
        } finally {
            queueLock.unlock();
        }
    }

    /** Removes the oldest result; only after {@link #peek} returned it. */
    final void remove() {
        queueLock.lock();
        try {
            first = (first + 1) % items.length;
            count--;
        } finally {
            queueLock.unlock();
        }
    }

    /** Removes and returns the oldest result, or -1 when none is queued. */
    final long poll() {
        queueLock.lock();
        try {
            if (count == 0) {
                return -1;
            }
            long item = items[first];
            first = (first + 1) % items.length;
            count--;
            return item;
        } finally {
            queueLock.unlock();
        }
    }

    /** How many results are queued. */
    public final int queued() {
        queueLock.lock();
        try {
            return count;
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Lets go of what is still queued (the socket closed): buffers back to their ring, accepted
     * connections closed. Only once the outcome is decided and no consumer takes results any more.
     */
    public abstract void discard();

    @Override
    final void onDecided() {
        onEnded.run();
        wakeConsumer();
    }

    private void wakeConsumer() {
        // Volatile read after the queue's update (or the state's CAS): awaitResult() writes waiter
        // before it looks at either, so one of the two sides sees the other.
        Thread t = waiter;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Consumer: parks until a result is queued or the outcome is decided, at most until
     * {@code deadline} (a {@link System#nanoTime} value, 0 for none), or until interrupted.
     *
     * @return {@link #READY} when a result is queued or the outcome is decided, {@link #TIMED_OUT}
     *         or {@link #INTERRUPTED} otherwise (the interrupt status stays set)
     */
    public final int awaitResult(long deadline) {
        Thread self = Thread.currentThread();
        waiter = self; // before looking at the queue and the state: see wakeConsumer
        try {
            for (;;) {
                if (queued() > 0 || !isPending()) {
                    return READY;
                }
                if (self.isInterrupted()) {
                    return INTERRUPTED;
                }
                if (deadline == 0) {
                    LockSupport.park(this);
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return TIMED_OUT;
                }
                CarrierLoop.parkUntil(this, deadline, remaining);
            }
        } finally {
            waiter = null;
        }
    }
}
