package io.loomring.jfr;

import java.util.ArrayList;
import java.util.List;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * Opens once the JVM's flight recorder exists (started with the JVM by
 * {@code -XX:StartFlightRecording}, or later by {@code jcmd JFR.start} or the JFR API); until then
 * Loomring's I/O paths create no event, so no event class is loaded and JFR is not started by
 * Loomring. Registering the listener costs well under a millisecond; reading the gate, one field.
 * Where the runtime has no {@code jdk.jfr} the gate never opens.
 */
public final class EventGate {
    private EventGate() {}

    /** True once the recorder exists; never goes back (a recorder, once made, stays). */
    private static volatile boolean open;
    /** What runs when the recorder exists (the scheduler's periodic statistics), guarded by the class. */
    private static final List<Runnable> ON_OPEN = new ArrayList<>();

    static {
        try {
            Listener.register();
        } catch (LinkageError noJfr) {
            // The runtime has no jdk.jfr (a trimmed image, or a module path that does not resolve
            // it): no recorder can exist, and the gate stays closed.
        }
    }

    /**
     * The listener, in a class of its own: the gate itself names no JFR type, so it loads (and
     * verifies) where jdk.jfr is missing, and only this class fails there.
     */
    private static final class Listener implements FlightRecorderListener {
        static void register() {
            FlightRecorder.addListener(new Listener());
        }

        @Override
        public void recorderInitialized(FlightRecorder recorder) {
            opened();
        }
    }

    /** True when events may be recorded: the flight recorder exists. */
    public static boolean isOpen() {
        return open;
    }

    /**
     * Runs {@code action} once the recorder exists: now if it does, else when it is made (on the
     * thread that makes it).
     */
    public static void whenOpen(Runnable action) {
        synchronized (EventGate.class) {
            if (!open) {
                ON_OPEN.add(action);
                return;
            }
        }
        action.run();
    }

    private static void opened() {
        List<Runnable> actions;
        synchronized (EventGate.class) {
            if (open) {
                return;
            }
            open = true;
            actions = List.copyOf(ON_OPEN);
            ON_OPEN.clear();
        }
        actions.forEach(Runnable::run);
    }
}
