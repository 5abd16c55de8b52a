package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A wakeup that is remembered, for one waiter at a time that other threads may wake: a
 * {@link java.nio.channels.Selector}'s {@code wakeup()}. A wakeup while nobody waits makes the
 * next wait return at once (no signal is sent); a wakeup during a wait asks its caller to send the
 * one signal (an eventfd write) that ends the kernel wait; more wakeups add nothing.
 *
 * <p>Waiter: {@link #beginWait()}; block in the kernel only if it returned true; afterwards
 * {@link #endWait()}, which consumes any wakeup. Waker: {@link #wakeup()}, and signal if it
 * returned true. Both sides change the state by CAS only, so exactly one of them moves it out of
 * {@code IDLE}: either the waiter announced its wait first (the waker sees {@code WAITING} and
 * signals) or the waker came first (the waiter sees {@code WOKEN} and does not block). A
 * check-then-set on either side would lose the wakeup: the waiter would block unsignalled.
 *
 * <p>A signal sent just before {@link #endWait()} may outlive the wait it was for; the waiter's
 * next kernel wait then returns on it at once. Such a stale signal is told apart by
 * {@link #isWoken()} being false, drained, and waited again.
 */
public final class WakeupLatch {
    static final int IDLE = 0;
    static final int WAITING = 1;
    /** Woken with no wait in progress: the next wait returns at once; no signal was sent. */
    static final int WOKEN = 2;
    /** Woken during a wait: the waker sends (or has sent) the signal. */
    static final int SIGNALLED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WakeupLatch.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STATE; every access is volatile or a CAS
    private volatile int state;

    /** A latch with no wakeup pending and nobody waiting. */
    public WakeupLatch() {}

    /**
     * Waiter: announces a wait. Returns true when the caller may block; false when a wakeup is
     * already pending (the wait must not block, and the caller still calls {@link #endWait()}).
     */
    public boolean beginWait() {
        // A CAS, not a read then a write: a wakeup between the two would find IDLE, send no
        // signal, and be overwritten by WAITING.
        return STATE.compareAndSet(this, IDLE, WAITING);
    }

    /**
     * Waker: records a wakeup. Returns true when the caller must send the signal (a wait is in
     * progress and no other waker has signalled it).
     */
    public boolean wakeup() {
        for (;;) {
            int s = (int) STATE.getVolatile(this);
            if (s == WOKEN || s == SIGNALLED) {
                return false;
            }
            int next = s == IDLE ? WOKEN : SIGNALLED;
            if (STATE.compareAndSet(this, s, next)) {
                return next == SIGNALLED;
            }
        }
    }

    /** True once a wakeup arrived for the current (or next) wait. */
    public boolean isWoken() {
        return (int) STATE.getVolatile(this) >= WOKEN;
    }

    /** Waiter: the wait is over; a wakeup that arrived before now is consumed by it. */
    public void endWait() {
        STATE.setVolatile(this, IDLE);
    }

    @Override
    public String toString() {
        return switch ((int) STATE.getVolatile(this)) {
            case IDLE -> "idle";
            case WAITING -> "waiting";
            case WOKEN -> "woken";
            default -> "signalled";
        };
    }
}
