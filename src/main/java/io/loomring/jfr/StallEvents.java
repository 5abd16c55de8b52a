package io.loomring.jfr;

/**
 * Where the stall monitor records a stall: nothing, and no event class loaded, while no recorder
 * exists ({@link EventGate}).
 */
public final class StallEvents {
    private StallEvents() {}

    /**
     * Records a stall of {@code carrier} that lasted {@code timeAwayNanos}, caused by {@code thread}
     * (null: not known) whose stack was {@code stack} when seen.
     */
    public static void record(String carrier, Thread thread, String stack, long timeAwayNanos) {
        if (EventGate.isOpen()) {
            CarrierStallEvent.record(carrier, thread, stack, timeAwayNanos);
        }
    }
}
