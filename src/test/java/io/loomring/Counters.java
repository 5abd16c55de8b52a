package io.loomring;

/** A scheduler's poller counters ({@link io.loomring.poller.PollerCounters}) for tests in other packages. */
public final class Counters {
    private Counters() {}

    /** {@code counter} summed over {@code io}'s carriers and sub-pollers. */
    public static long of(IoScheduler io, int counter) {
        return io.pollerCounter(counter);
    }
}
