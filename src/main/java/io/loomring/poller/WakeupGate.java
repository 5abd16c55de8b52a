package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The poller's sleep/wake handshake (libev's {@code evpipe} idea): producers pay for a wakeup
 * syscall only when the poller is about to sleep, and concurrent producers send one signal, not
 * many.
 *
 * <p>Poller: {@link #prepareToSleep()} (a volatile store), then re-check its request queue; if the
 * queue is empty, sleep in the kernel, and afterwards {@link #awake()}. Producer: publish the
 * request (a volatile swap), then {@link #shouldSignal()} (a volatile load, then a CAS) and send
 * the signal if it returns true. Each side orders a volatile write before a volatile read, so at
 * least one side sees the other: either the poller finds the request, or a producer signals.
 */
public final class WakeupGate {
    static final int AWAKE = 0;
    static final int SLEEPING = 1;
    static final int SIGNALLED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WakeupGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** AWAKE, SLEEPING or SIGNALLED; every access is volatile (see each method). */
    @SuppressWarnings("unused")
    private volatile int state;

    /** A gate whose poller is awake. */
    public WakeupGate() {}

    /** Poller: announce the intent to sleep. Must be followed by a re-check of the queue. */
    public void prepareToSleep() {
        // Volatile store (not release): it must be ordered before the poller's volatile re-check
        // of its queue, the store-load order a release store does not give.
        STATE.setVolatile(this, SLEEPING);
    }

    /** Poller: back at work (after sleeping, or after the re-check found work). */
    public void awake() {
        // Volatile like prepareToSleep: producers read the state with a volatile load.
        STATE.setVolatile(this, AWAKE);
    }

    /** Any thread: true between the poller's {@link #prepareToSleep()} and its {@link #awake()}. */
    public boolean isSleeping() {
        return (int) STATE.getVolatile(this) != AWAKE;
    }

    /**
     * Producer, after publishing its request: true when this caller must send the wakeup signal
     * (the poller sleeps or is about to, and no other producer has signalled since).
     */
    public boolean shouldSignal() {
        // Volatile load after the producer's volatile publish (store-load order again); the CAS
        // lets one producer of many send the signal.
        return (int) STATE.getVolatile(this) == SLEEPING && STATE.compareAndSet(this, SLEEPING, SIGNALLED);
    }
}
