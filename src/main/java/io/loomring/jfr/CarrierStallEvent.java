package io.loomring.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A carrier that did not come back to its loop for a second or more because one carried thread
 * held it (pinned in a native frame, or blocked outside Loomring): the other threads on that
 * carrier waited meanwhile. Committed when the carrier comes back (or its scheduler closes), by the
 * scheduler's stall monitor, which looks once a second.
 */
@Name("io.loomring.CarrierStall")
@Label("Loomring Carrier Stall")
@Category({"Loomring", "Carriers"})
@Description("A carried thread kept its carrier from its loop for a second or more")
@StackTrace(false)
public final class CarrierStallEvent extends jdk.jfr.Event {
    @Label("Carrier")
    @Description("Name of the carrier thread")
    String carrier;

    @Label("Stalling Thread")
    @Description("The carried thread mounted on the carrier, when known")
    Thread stallingThread;

    @Label("Stalling Stack")
    @Description("Stack of the stalling thread when the stall was seen, one frame per line")
    String stallingStack;

    @Label("Time Away")
    @Description("How long the carrier stayed away from its loop, at the monitor's one-second resolution")
    @Timespan(Timespan.NANOSECONDS)
    long timeAway;

    /**
     * Records a stall of {@code carrier} that lasted {@code timeAwayNanos}, caused by {@code thread}
     * (null: not known) whose stack was {@code stack} when seen. Called only once a recorder
     * exists ({@link StallEvents}).
     */
    static void record(String carrier, Thread thread, String stack, long timeAwayNanos) {
        CarrierStallEvent event = new CarrierStallEvent();
        if (event.shouldCommit()) {
            event.carrier = carrier;
            event.stallingThread = thread;
            event.stallingStack = stack;
            event.timeAway = timeAwayNanos;
            event.commit();
        }
    }
}
