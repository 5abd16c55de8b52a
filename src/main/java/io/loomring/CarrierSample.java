package io.loomring;

import io.loomring.ffm.ThreadClocks;
import io.loomring.poller.CarrierView;
import io.loomring.poller.VirtualThreads;

/**
 * What the balancer saw of one carrier at its looks: its smoothed busy share, and whether one
 * thread has held it for long. Only the balancer's thread uses it.
 *
 * <p>A thread holds its carrier for long when the same continuation is mounted with no loop round
 * at {@value #LONG_RUN_PERIODS} looks in a row that count. A look counts when the
 * carrier thread used at least {@value #MIN_CPU_PERCENT}% of the period of CPU (its own clock): a
 * carrier that the machine's scheduler keeps off the CPU, on a machine with more runnable threads
 * than cores, shows the same mounted continuation and no round, but its thread is not computing.
 * Such a look neither counts nor resets the count.
 */
final class CarrierSample {
    /** Looks in a row that see one continuation running with no loop round: 2 (at least 10 ms). */
    static final int LONG_RUN_PERIODS = 2;
    /** CPU a carrier must use in a look's period for the look to count towards a long run. */
    static final int MIN_CPU_PERCENT = 50;
    /** No carrier busier than this (a share of the period) is "idle". */
    private static final double IDLE_SHARE = 0.02;

    private final CarrierView carrier;
    private long busy;
    private long rounds;
    private long cpu = -1;
    private Runnable running;
    private int sameRun;
    private double share;
    private boolean idle;

    CarrierSample(CarrierView carrier) {
        this.carrier = carrier;
        this.busy = carrier.busyNanos();
    }

    /**
     * Takes a look, {@code elapsed} nanoseconds after the last one.
     *
     * @return the thread seen holding the carrier for long, once per long run; otherwise null
     */
    Thread look(double elapsed) {
        long nowBusy = carrier.busyNanos();
        double recent = (nowBusy - busy) / elapsed;
        busy = nowBusy;
        share = (share + recent) / 2; // smoothed over about two periods
        idle = recent < IDLE_SHARE;

        long nowRounds = carrier.rounds();
        Runnable nowRunning = carrier.runningContinuation();
        long nowCpu = ThreadClocks.cpuNanos(carrier.tid());
        boolean same = nowRunning != null && nowRunning == running && nowRounds == rounds;
        boolean computed = nowCpu < 0 || cpu < 0 || (nowCpu - cpu) * 100 >= elapsed * MIN_CPU_PERCENT;
        sameRun = !same ? 0 : computed ? sameRun + 1 : sameRun;
        rounds = nowRounds;
        running = nowRunning;
        cpu = nowCpu;
        if (same && computed && sameRun == LONG_RUN_PERIODS) {
            return VirtualThreads.threadOf(nowRunning); // the one seen, not a newer one
        }
        return null;
    }

    /** The share of the last periods this carrier ran carried threads, smoothed. */
    double share() {
        return share;
    }

    /** True when the carrier ran (almost) nothing in the last period. */
    boolean idle() {
        return idle;
    }
}
