package io.loomring.poller;

/**
 * A sub-poller's idle strategy: after a round that did work, or for a short while after the last
 * one that did, yield (so the threads it woke run first, on the same platform thread); once rounds
 * have found nothing for longer than that, park. A thread just woken often runs on another
 * platform thread and hands its next await over a few microseconds later: parking at once would
 * make that hand-off cost an eventfd write and a trip through the master.
 */
final class YieldThenPark {
    private final long yieldNanos;
    /** When the rounds started finding nothing; 0 while they find work. */
    private long idleSince;

    /** @param yieldNanos how long rounds without work go on yielding before {@link #idle} says park */
    YieldThenPark(long yieldNanos) {
        this.yieldNanos = yieldNanos;
    }

    /**
     * After a round: yields and returns false while the poller should go on polling; returns true
     * (without yielding) when it should park now.
     *
     * @param didWork the round took in requests or reaped completions
     */
    boolean idle(boolean didWork) {
        if (didWork) {
            idleSince = 0;
            Thread.yield();
            return false;
        }
        long now = System.nanoTime();
        if (idleSince == 0) {
            idleSince = now;
        }
        if (now - idleSince < yieldNanos) {
            Thread.yield();
            return false;
        }
        idleSince = 0;
        return true;
    }
}
