package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What drives a {@link Poller}: a thread and the loop it runs until the poller is asked to stop.
 * The poller opens its backend and terminates around it; a loop only decides when to take in
 * requests, when to submit and reap, and how to wait when idle.
 */
abstract sealed class PollerLoop permits CarrierLoop, SubPollerLoop {
    private static final VarHandle ROUNDS;

    static {
        try {
            ROUNDS = MethodHandles.lookup().findVarHandle(PollerLoop.class, "rounds", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Poller poller;
    /** Loop rounds so far: a stall monitor sees a carrier that stopped coming back. */
    @SuppressWarnings("unused")
    private long rounds;

    PollerLoop(Poller poller) {
        this.poller = poller;
    }

    /** The thread that runs {@link #loop()}. */
    abstract Thread thread();

    /** True when the caller runs on the loop's thread now (see {@link Poller#isCurrent()}). */
    abstract boolean isCurrent();

    /** Runs until the poller is asked to stop (or the master stops serving); throws to fail it. */
    abstract void loop() throws Throwable;

    /** Counts a round. */
    final void countRound() {
        // Opaque store of a plain read: only this thread writes rounds; the monitor needs the value
        // to show up eventually, not any ordering with other fields.
        ROUNDS.setOpaque(this, rounds + 1);
    }

    /** Rounds so far; any thread (opaque: a monitoring read, see {@link #countRound()}). */
    public final long rounds() {
        return (long) ROUNDS.getOpaque(this);
    }
}
