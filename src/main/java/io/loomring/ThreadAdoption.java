package io.loomring;

import io.loomring.poller.Poller;
import io.loomring.poller.VirtualThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Adopted threads ({@link IoScheduler.Builder#adoptVirtualThreads}): an ordinary virtual thread
 * (its scheduler the JDK's default one) that starts an I/O call through the scheduler names a
 * carrier its scheduler. The call itself is served as an ordinary thread's; from the thread's next
 * park on its continuation goes to the carrier, and the threads it starts inherit the carrier.
 * Threads carried by another scheduler and threads the balancer released (their scheduler is not
 * the JDK's) are left alone.
 *
 * <p>The thread writes the field itself, while it runs: nobody submits a running thread's
 * continuation, so no submission reads it halfway (as for a move between carriers).
 */
final class ThreadAdoption {
    /** The JDK's default scheduler, whose threads are adopted; null: none is. */
    private final Executor from;
    private final Poller[] carriers;
    /** The carrier an adopted thread goes to, as for a new carried thread. */
    private final IntSupplier placement;
    private final BooleanSupplier terminated;
    /** Run at each adoption: the balancer and stall monitor start with the first carried thread. */
    private final Runnable adopting;
    private final AtomicLong adopted = new AtomicLong();

    ThreadAdoption(boolean enabled, Poller[] carriers, IntSupplier placement, BooleanSupplier terminated,
                   Runnable adopting) {
        this.from = enabled && VirtualThreads.canReschedule() ? VirtualThreads.defaultScheduler() : null;
        this.carriers = carriers;
        this.placement = placement;
        this.terminated = terminated;
        this.adopting = adopting;
    }

    /** Adopts {@code self}, the calling virtual thread, when it is an ordinary one and adoption is on. */
    void offer(Thread self) {
        if (from == null || VirtualThreads.schedulerOf(self) != from || terminated.getAsBoolean()) {
            return;
        }
        VirtualThreads.reschedule(carriers[placement.getAsInt()]);
        adopted.incrementAndGet();
        adopting.run();
    }

    /** Threads adopted so far. */
    long adopted() {
        return adopted.get();
    }
}
