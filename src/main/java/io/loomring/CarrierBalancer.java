package io.loomring;

import io.loomring.poller.CarrierView;
import io.loomring.poller.Poller;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Evens out the work of a scheduler's carriers. Carriers do not steal work from each other, and a
 * virtual thread started by a carried thread stays on its parent's carrier (the JDK passes the
 * scheduler on): a server whose accepting thread is carried would otherwise run every connection
 * on one carrier. So a daemon thread compares, every {@value #ACTIVE_PERIOD_MILLIS} ms, how long
 * each carrier ran carried threads ({@link CarrierView#busyNanos()}, smoothed); when the busiest one
 * was busier than the least busy one by more than {@value #MIN_GAP_PERCENT} points of the period,
 * it lets up to {@value #MOVES_PER_PERIOD} threads move from the first to the second. A thread
 * moves at the start of its next I/O call on the busy carrier ({@link CarrierGroup#route}), where
 * it holds nothing of that carrier's: it names the other carrier its scheduler and yields, and
 * goes on there. Threads of a carrier that is not asked to shed pay one array read per call.
 * Meanwhile every other thread started on the busy carrier starts on the other one
 * ({@link CarrierView#sendStartsTo}): servers that start a thread per request (Jetty's virtual-thread
 * pool) would otherwise keep the busy carrier busy with new threads faster than moves drain it.
 *
 * <p>A thread that computes for long still holds its carrier: what waits there (threads queued to
 * run, completions in its ring) waits until it parks. A continuation seen running with no loop
 * round for {@value CarrierSample#LONG_RUN_PERIODS} looks, each after the carrier used at least half a period of
 * CPU ({@link CarrierSample}), marks its thread as computing: at its next I/O call it
 * leaves the carriers for the JDK's scheduler ({@link CarrierGroup#route}), where its next long
 * computation holds a worker the JDK can compensate for, not a carrier.
 *
 * <p>While no carrier runs anything the thread looks ten times less often.
 */
final class CarrierBalancer {
    static final int ACTIVE_PERIOD_MILLIS = 10;
    private static final int IDLE_PERIOD_MILLIS = 100;
    static final int MIN_GAP_PERCENT = 15;
    static final int MOVES_PER_PERIOD = 4;

    private final Poller[] carriers;
    /** By carrier: moves it may still make now (the balancer sets, moving threads take). */
    private final AtomicIntegerArray quota;
    /** By carrier: where its moving threads go. */
    private final AtomicIntegerArray target;
    private final boolean enabled;
    /** Carried threads seen computing for long: each leaves the carriers at its next I/O call. */
    private final Set<Thread> computing = ConcurrentHashMap.newKeySet();
    /** {@link #computing} may hold a thread (read by every carried I/O call: one volatile read). */
    private volatile boolean computingPending;
    private final WatchThread watch = new WatchThread("loomring-carrier-balancer", this::run);

    /** @param enabled false: threads never move (for comparison, and with a single carrier) */
    CarrierBalancer(Poller[] carriers, boolean enabled) {
        this.carriers = carriers;
        this.quota = new AtomicIntegerArray(carriers.length);
        this.target = new AtomicIntegerArray(carriers.length);
        this.enabled = enabled && carriers.length > 1;
    }

    /**
     * Where a thread on carrier {@code own} starting an I/O call should move, taking one move of
     * its carrier's quota; -1 (stay) in the common case, decided with one read.
     */
    int takeMove(int own) {
        int left = quota.getOpaque(own);
        while (left > 0) {
            int seen = quota.compareAndExchange(own, left, left - 1);
            if (seen == left) {
                return target.get(own);
            }
            left = seen;
        }
        return -1;
    }

    /**
     * True when the calling thread was seen computing for long on a carrier and should now leave
     * the carriers for the JDK's scheduler (taken once).
     */
    boolean takeRelease(Thread self) {
        if (!computingPending || !computing.remove(self)) {
            return false;
        }
        if (computing.isEmpty()) {
            computingPending = false; // a thread added meanwhile sets it again at its next look
        }
        return true;
    }

    void startOnce() {
        if (enabled) {
            watch.startOnce();
        }
    }

    void close() {
        watch.close();
    }

    private void run() {
        CarrierSample[] samples = new CarrierSample[carriers.length];
        for (int i = 0; i < carriers.length; i++) {
            samples[i] = new CarrierSample(carriers[i].carrier());
        }
        long last = System.nanoTime();
        boolean idle = false;
        while (!watch.isClosed()) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(idle ? IDLE_PERIOD_MILLIS : ACTIVE_PERIOD_MILLIS));
            long now = System.nanoTime();
            double elapsed = Math.max(1, now - last);
            last = now;
            idle = true;
            for (CarrierSample sample : samples) {
                markComputing(sample.look(elapsed));
                idle &= sample.idle();
            }
            if (computingPending) {
                computing.removeIf(t -> !t.isAlive()); // ended without another I/O call
            }
            rebalance(samples);
        }
    }

    private void markComputing(Thread thread) {
        if (thread != null) {
            computing.add(thread);
            computingPending = true;
        }
    }

    /** Lets the busiest carrier shed threads to the least busy one, or nobody move. */
    private void rebalance(CarrierSample[] samples) {
        double[] share = new double[samples.length];
        for (int i = 0; i < samples.length; i++) {
            share[i] = samples[i].share();
        }
        int busiest = 0;
        int leastBusy = 0;
        for (int i = 1; i < share.length; i++) {
            if (share[i] > share[busiest]) {
                busiest = i;
            }
            if (share[i] < share[leastBusy]) {
                leastBusy = i;
            }
        }
        for (int i = 0; i < share.length; i++) {
            if (i != busiest) {
                quota.setOpaque(i, 0);
                carriers[i].carrier().sendStartsTo(null);
            }
        }
        if ((share[busiest] - share[leastBusy]) * 100 > MIN_GAP_PERCENT) {
            target.set(busiest, leastBusy);
            quota.set(busiest, MOVES_PER_PERIOD); // after the target: a mover reads the quota first
            carriers[busiest].carrier().sendStartsTo(carriers[leastBusy]);
        } else {
            quota.setOpaque(busiest, 0);
            carriers[busiest].carrier().sendStartsTo(null);
        }
    }
}
