package io.loomring.poller;

import java.util.function.Predicate;

/**
 * What a scheduler's monitors read of one carrier and how its balancer steers it
 * ({@link Poller#carrier()}): how long it ran carried threads, whether its loop comes round, what
 * it runs now, its kernel thread id, and where the threads started on it start. Every method may
 * be called from any thread; the reads are monitoring reads (they see a recent value, not
 * necessarily the latest).
 */
public interface CarrierView {

    /** Nanoseconds this carrier spent running carried threads so far. */
    long busyNanos();

    /** Loop rounds so far: a carrier whose count stands still while a thread runs is stalled. */
    long rounds();

    /** The carried continuation running on this carrier now, or null. */
    Runnable runningContinuation();

    /** True while a carried continuation runs (for the stall monitor). */
    boolean isRunningCarried();

    /** The carrier thread's kernel id (its CPU clock's), or 0 before it runs. */
    int tid();

    /**
     * For a monitor that sees this carrier stalled by the thread it runs: ends that thread's wait
     * if it armed one here and its deadline passed (a thread pinned in a native frame waits on the
     * carrier's platform thread, where the carrier's own timers cannot reach it).
     */
    void wakeOverdueTimers();

    /**
     * While {@code other} is not null (nor this carrier), every other virtual thread started on
     * this carrier (by a thread it carries) starts on {@code other} instead; null stops it. The
     * balancer's call, for a carrier much busier than {@code other}.
     */
    void sendStartsTo(Poller other);

    /**
     * Lets threads started on this carrier (by a thread it carries, which they inherited it from)
     * while others wait in its run queue start on one of {@code others}, the group's other
     * carriers, while that one sleeps in the kernel with nothing to run; an empty array stops it.
     * Threads that {@code placed} accepts had their carrier chosen for them, and stay.
     */
    void shareStartsWith(Poller[] others, Predicate<Thread> placed);
}
