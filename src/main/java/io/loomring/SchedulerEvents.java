package io.loomring;

import io.loomring.jfr.CarrierStatisticsEvent;
import io.loomring.jfr.EventGate;
import io.loomring.jfr.SchedulerStatisticsEvent;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.FlightRecorder;

/**
 * The schedulers JFR's periodic events report: every scheduler from its start to its close (the
 * shared one for the JVM's life), weakly held so that one dropped without a close is not kept. The
 * periodic events are registered with the flight recorder once it exists ({@link EventGate}), so
 * a JVM without JFR never loads them.
 */
final class SchedulerEvents {
    private SchedulerEvents() {}

    /** What the events say of one scheduler: its name ("shared", or a number in start order). */
    private record Recorded(String name, String backend, CarrierGroup group) {}

    /** Live schedulers (weak keys: the scheduler objects), and what to record of each. */
    private static final Map<Object, Recorded> LIVE = new WeakHashMap<>();
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    static {
        EventGate.whenOpen(SchedulerEvents::registerPeriodic);
    }

    /**
     * A scheduler started: the counters of {@code group} are recorded from now on, until
     * {@code scheduler} closes or is dropped.
     */
    static void opened(Object scheduler, Backend backend, CarrierGroup group, boolean shared) {
        String name = shared ? "shared" : Integer.toString(NUMBERS.incrementAndGet());
        synchronized (LIVE) {
            LIVE.put(scheduler, new Recorded(name, backend.name(), group));
        }
    }

    /** A scheduler closed: no more records of it. */
    static void closed(Object scheduler) {
        synchronized (LIVE) {
            LIVE.remove(scheduler);
        }
    }

    private static List<Recorded> live() {
        synchronized (LIVE) {
            return List.copyOf(LIVE.values());
        }
    }

    private static void registerPeriodic() {
        FlightRecorder.addPeriodicEvent(SchedulerStatisticsEvent.class, SchedulerEvents::recordSchedulers);
        FlightRecorder.addPeriodicEvent(CarrierStatisticsEvent.class, SchedulerEvents::recordCarriers);
    }

    private static void recordSchedulers() {
        for (Recorded r : live()) {
            SchedulerStatisticsEvent event = new SchedulerStatisticsEvent();
            if (!event.shouldCommit()) {
                return;
            }
            Stats stats = r.group.stats();
            int carried = 0;
            for (int n : r.group.liveThreads()) {
                carried += n;
            }
            event.scheduler = r.name;
            event.backend = r.backend;
            event.kernelCalls = stats.enters();
            event.submissions = stats.submitted();
            event.completions = stats.completions();
            event.staleCompletions = stats.staleCompletions();
            event.wakeups = stats.wakeupSignals();
            event.overflowFlushes = stats.overflowFlushes();
            event.armedAwaits = stats.armed();
            event.resubmitted = stats.resubmitted();
            event.receiveBuffersHeld = stats.receiveBuffersHeld();
            event.fixedFiles = stats.fixedFiles();
            event.carriers = r.group.size();
            event.carriedThreads = carried;
            event.carriedThreadMoves = r.group.moves();
            event.carriedThreadsReleased = r.group.released();
            event.commit();
        }
    }

    private static void recordCarriers() {
        for (Recorded r : live()) {
            int[] threads = r.group.liveThreads();
            long[] busy = r.group.busyNanos();
            for (int i = 0; i < threads.length; i++) {
                CarrierStatisticsEvent event = new CarrierStatisticsEvent();
                if (!event.shouldCommit()) {
                    return;
                }
                event.scheduler = r.name;
                event.carrier = i;
                event.carriedThreads = threads[i];
                event.busyTime = i < busy.length ? busy[i] : 0;
                event.commit();
            }
        }
    }
}
