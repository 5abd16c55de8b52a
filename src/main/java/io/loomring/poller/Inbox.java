package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The poller's door for other threads: an MPSC queue of requests (awaits to arm or disarm, fd
 * cancellations, carried threads to run), the sleep/wake handshake ({@link WakeupGate}), and a
 * close that accounts for every request exactly once.
 *
 * <h2>Exactly once across close</h2>
 * A producer brackets its offer with a count of producers in flight and reads {@code closed}
 * inside the bracket; {@link #close()} sets {@code closed} and then waits until no producer is in
 * flight. Both sides write a volatile before they read the other's, so either the producer sees
 * {@code closed} (and keeps its request: {@link #offer} returns false) or the owner waits for the
 * offer to finish, and the owner's drain after {@code close()} finds the request. A request is
 * never both refused and drained, and never neither: that matters for a carried thread's
 * continuation, which must run exactly once.
 *
 * <p>The same bracket guards the wakeup signal, so the owner may release the signal's fd once
 * {@code close()} has returned.
 */
public final class Inbox {
    private static final VarHandle PRODUCERS;

    static {
        try {
            PRODUCERS = MethodHandles.lookup().findVarHandle(Inbox.class, "producers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MpscQueue<Request> queue = new MpscQueue<>();
    private final WakeupGate gate = new WakeupGate();
    private final Runnable signal;
    /** Producers inside offer or wake; changed only by volatile read-modify-writes. */
    @SuppressWarnings("unused")
    private volatile int producers;
    /** Volatile: each side of the close handshake writes its own field and then reads the other's. */
    private volatile boolean closed;

    /** @param signal wakes the sleeping owner (for a poller: writes its eventfd); any thread may run it */
    public Inbox(Runnable signal) {
        this.signal = signal;
    }

    /**
     * Producer: publishes {@code request} and wakes the owner if it sleeps.
     *
     * @return true when the request was taken; false once closed (the caller keeps the request)
     */
    public boolean offer(Request request) {
        // Volatile read-modify-write, then the volatile read of closed: close() writes closed and
        // then reads producers, so one of the two sees the other (see the class comment).
        PRODUCERS.getAndAdd(this, 1);
        try {
            if (closed) {
                return false;
            }
            queue.offer(request);
            if (gate.shouldSignal()) {
                signal.run();
            }
            return true;
        } finally {
            // Volatile as well: the owner's close() may return only after the signal above ran.
            PRODUCERS.getAndAdd(this, -1);
        }
    }

    /**
     * Any thread: signals the owner unconditionally (unless closed), for requests that are not
     * queued, such as a stop flag.
     */
    public void wake() {
        PRODUCERS.getAndAdd(this, 1);
        try {
            if (!closed) {
                signal.run();
            }
        } finally {
            PRODUCERS.getAndAdd(this, -1);
        }
    }

    /** Owner: the next request, or null. */
    public Request poll() {
        return queue.poll();
    }

    /** Owner: true when nothing has been offered since the last {@link #poll()} returned null. */
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Owner: announce the intent to sleep; re-check {@link #isEmpty()} afterwards. */
    public void prepareToSleep() {
        gate.prepareToSleep();
    }

    /** Any thread: true while the owner sleeps or is about to (a hint: it may wake at any time). */
    public boolean isOwnerSleeping() {
        return gate.isSleeping();
    }

    /** Owner: awake again. */
    public void awake() {
        gate.awake();
    }

    /**
     * Owner: refuses later offers and waits out the producers still inside {@link #offer} or
     * {@link #wake}. Afterwards {@link #poll()} drains every request that was ever taken, and no
     * producer runs the signal again.
     */
    public void close() {
        closed = true; // volatile store before the volatile loads of producers below
        while ((int) PRODUCERS.getVolatile(this) != 0) {
            Thread.onSpinWait();
        }
    }

    /** True once {@link #close()} has started. */
    public boolean isClosed() {
        return closed;
    }
}
