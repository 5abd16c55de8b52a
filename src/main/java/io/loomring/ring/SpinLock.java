package io.loomring.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock that never parks, for the few words the poller shares with the threads it serves (the
 * provided-buffer ring's tail, a multishot request's queue). The poller's work often runs on a
 * carried virtual thread, on its carrier's behalf (a thread that submits or flushes inline). A
 * virtual thread that waits for a monitor or a {@code ReentrantLock} leaves its carrier, and the
 * carrier would then run another of its threads, which could start the same poller work over the
 * half-done one. Spinning keeps the thread on its carrier; every critical section guarded by one
 * of these is a few loads and stores, and none blocks.
 */
public final class SpinLock {
    private static final VarHandle HELD;

    static {
        try {
            HELD = MethodHandles.lookup().findVarHandle(SpinLock.class, "held", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through HELD
    private volatile int held;

    /** An unheld lock. */
    public SpinLock() {}

    /** Takes the lock, spinning while another thread holds it. Not reentrant. */
    public void lock() {
        // Acquire on success: what the holder wrote before unlock() is visible here.
        while (!HELD.weakCompareAndSetAcquire(this, 0, 1)) {
            Thread.onSpinWait();
        }
    }

    /** Lets go of the lock. */
    public void unlock() {
        HELD.setRelease(this, 0); // release: the critical section's writes before the next holder's reads
    }
}
