package io.loomring;

import io.loomring.jfr.StallEvents;
import io.loomring.poller.CarrierView;
import io.loomring.poller.Poller;
import io.loomring.poller.VirtualThreads;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reports carriers that stopped coming back to their loop. A carrier has no compensation for a
 * carried thread that blocks it (pinned in a native frame, or blocked in a system call outside
 * Loomring): everything else on that carrier waits. Once a second this monitor compares each
 * carrier's loop count with the last look; a carrier that made no round while running a carried
 * thread both times is logged once per stall, with the stack of the thread mounted on it, on the
 * {@code io.loomring} logger, and recorded as a JFR event ({@code io.loomring.CarrierStall}) when it ends.
 * While it lasts, a timed wait of the stalling thread whose deadline passed is ended each second
 * (a pinned thread waits on the carrier's platform thread, out of reach of the carrier's timers).
 *
 * <p>One daemon platform thread per scheduler, started with the first carried thread and ended by
 * {@link #close()}.
 */
final class StallMonitor {
    private static final System.Logger LOG = System.getLogger("io.loomring");
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Poller[] carriers;
    private final Set<Thread> carried;
    private final long[] lastRounds;
    /** By carrier: the stall going on, or null. */
    private final Stall[] stalls;
    private final WatchThread watch = new WatchThread("loomring-stall-monitor", this::run);

    StallMonitor(Poller[] carriers, Set<Thread> carried) {
        this.carriers = carriers;
        this.carried = carried;
        this.lastRounds = new long[carriers.length];
        this.stalls = new Stall[carriers.length];
    }

    void startOnce() {
        watch.startOnce();
    }

    void close() {
        watch.close();
    }

    private void run() {
        boolean[] runningBefore = new boolean[carriers.length];
        long lastLook = System.nanoTime();
        while (!watch.isClosed()) {
            long now = System.nanoTime();
            for (int i = 0; i < carriers.length; i++) {
                CarrierView carrier = carriers[i].carrier();
                long rounds = carrier.rounds();
                boolean running = carrier.isRunningCarried();
                boolean stalled = running && runningBefore[i] && rounds == lastRounds[i];
                if (stalled) {
                    carrier.wakeOverdueTimers(); // a pinned thread's timed wait ends (late)
                }
                if (stalled && stalls[i] == null) {
                    stalls[i] = report(carriers[i], lastLook);
                } else if (!stalled && stalls[i] != null) {
                    stalls[i].ended(now);
                    stalls[i] = null;
                }
                lastRounds[i] = rounds;
                runningBefore[i] = running;
            }
            lastLook = now;
            LockSupport.parkNanos(this, PERIOD_NANOS);
        }
        long now = System.nanoTime();
        for (Stall stall : stalls) {
            if (stall != null) {
                stall.ended(now); // still stalled when the scheduler closes
            }
        }
    }

    /** A stall seen: where, by whom, since when (the look before the one that saw it). */
    private record Stall(Poller carrier, Thread thread, String stack, long since) {
        void ended(long now) {
            StallEvents.record(carrier.carrierThread().getName(), thread, stack, now - since);
        }
    }

    /** Logs a stall seen now, of a carrier whose loop was last seen turning at {@code since}. */
    private Stall report(Poller carrier, long since) {
        Thread mounted = null;
        for (Thread t : carried) {
            if (VirtualThreads.carrierOf(t) == carrier.carrierThread()) {
                mounted = t;
                break;
            }
        }
        StringBuilder stack = new StringBuilder();
        if (mounted == null) {
            stack.append(" (a thread started by a carried thread, not from the factory)");
        } else {
            for (StackTraceElement e : mounted.getStackTrace()) {
                stack.append("\n\tat ").append(e);
            }
        }
        LOG.log(System.Logger.Level.WARNING,
                "Loomring carrier {0} has not come back to its loop for over a second: the carried thread {1}"
                        + " blocks it (pinned, or in a blocking call outside Loomring); the other threads on this"
                        + " carrier wait meanwhile. Its stack:{2}",
                carrier.carrierThread().getName(), mounted, stack);
        return new Stall(carrier, mounted, stack.toString().strip(), since);
    }
}
