package io.loomring;

import io.loomring.jfr.CarrierStatisticsEvent;
import io.loomring.jfr.EventGate;
import io.loomring.jfr.SchedulerStatisticsEvent;
import java.util.LinkedHashMap;
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

    /** Live schedulers and their names in the events ("shared", or a number in start order). */
    private static final Map<IoScheduler, String> LIVE = new WeakHashMap<>();
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    static {
        EventGate.whenOpen(SchedulerEvents::registerPeriodic);
    }

    /** A scheduler started: its counters are recorded from now on. */
    static void opened(IoScheduler scheduler, boolean shared) {
        String name = shared ? "shared" : Integer.toString(NUMBERS.incrementAndGet());
        synchronized (LIVE) {
            LIVE.put(scheduler, name);
        }
    }

    /** A scheduler closed: no more records of it. */
    static void closed(IoScheduler scheduler) {
        synchronized (LIVE) {
            LIVE.remove(scheduler);
        }
    }

    private static Map<IoScheduler, String> live() {
        synchronized (LIVE) {
            return new LinkedHashMap<>(LIVE);
        }
    }

    private static void registerPeriodic() {
        FlightRecorder.addPeriodicEvent(SchedulerStatisticsEvent.class, SchedulerEvents::recordSchedulers);
        FlightRecorder.addPeriodicEvent(CarrierStatisticsEvent.class, SchedulerEvents::recordCarriers);
    }

    private static void recordSchedulers() {
        live().forEach((scheduler, name) -> {
            SchedulerStatisticsEvent event = new SchedulerStatisticsEvent();
            if (!event.shouldCommit()) {
                return;
            }
            Stats stats = scheduler.stats();
            int carried = 0;
            for (int n : scheduler.carriedThreadsPerCarrier()) {
                carried += n;
            }
            event.scheduler = name;
            event.backend = scheduler.backend().name();
            event.kernelCalls = stats.enters();
            event.submissions = stats.submitted();
            event.completions = stats.completions();
            event.staleCompletions = stats.staleCompletions();
            event.wakeups = stats.wakeupSignals();
            event.overflowFlushes = stats.overflowFlushes();
            event.armedAwaits = stats.armed();
            event.resubmitted = stats.resubmitted();
            event.carriers = scheduler.carriers();
            event.carriedThreads = carried;
            event.carriedThreadMoves = scheduler.carriedThreadMoves();
            event.carriedThreadsReleased = scheduler.carriedThreadsReleased();
            event.commit();
        });
    }

    private static void recordCarriers() {
        live().forEach((scheduler, name) -> {
            int[] threads = scheduler.carriedThreadsPerCarrier();
            long[] busy = scheduler.carrierBusyNanos();
            for (int i = 0; i < threads.length; i++) {
                CarrierStatisticsEvent event = new CarrierStatisticsEvent();
                if (!event.shouldCommit()) {
                    return;
                }
                event.scheduler = name;
                event.carrier = i;
                event.carriedThreads = threads[i];
                event.busyTime = i < busy.length ? busy[i] : 0;
                event.commit();
            }
        });
    }
}
