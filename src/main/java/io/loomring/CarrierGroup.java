package io.loomring;

import io.loomring.poller.CarrierView;
import io.loomring.poller.Poller;
import io.loomring.poller.PollerCounters;
import io.loomring.poller.VirtualThreads;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A scheduler's carriers (its pollers, one platform thread and one ring or epoll set each), its
 * sub-pollers (virtual threads on the JDK's scheduler, one ring or epoll set each, see
 * {@link Poller}), and the rules for which one serves what:
 * <ul>
 *   <li>an await from a thread a carrier carries goes to that carrier, inline;</li>
 *   <li>an await from an ordinary virtual thread goes to the sub-poller chosen by the fd's number:
 *       the sub-poller runs on the same ForkJoinPool threads as the threads it wakes, so a wakeup
 *       crosses no thread while traffic flows (with no sub-pollers, it goes to a carrier as
 *       below);</li>
 *   <li>an await from a platform thread goes to the carrier chosen by the fd's number (a platform
 *       thread parks for real, and a carrier's blocking kernel wait wakes it with one unpark, where
 *       a sub-poller would first have to be woken itself);</li>
 *   <li>either way one fd's awaits from such threads meet in one kernel object;</li>
 *   <li>{@code cancel(fd)} goes to every carrier and sub-poller, since threads anywhere may await
 *       the fd;</li>
 *   <li>a new carried thread goes to the carrier with the fewest live carried threads (ties to the
 *       next in turn), so connections that end unevenly do not leave one carrier with most of the
 *       load. A virtual thread started by a carried thread inherits its carrier (the JDK passes the
 *       scheduler on), and is not counted; with balancing on, it starts on another carrier instead
 *       when threads are queued ahead of it and that one sleeps with nothing to run
 *       ({@link CarrierView#shareStartsWith});</li>
 *   <li>a carried thread moves to another carrier at the start of an I/O call when the
 *       {@link CarrierBalancer} asks its carrier to shed work, and leaves the carriers for the
 *       JDK's scheduler when it was seen computing for long;</li>
 *   <li>where asked ({@code adopt}), an ordinary virtual thread on the JDK's scheduler moves to a
 *       carrier at the start of an I/O call ({@link ThreadAdoption}).</li>
 * </ul>
 */
final class CarrierGroup {
    private final Poller[] carriers;
    private final Poller[] subPollers;
    /** Carriers, then sub-pollers. */
    private final Poller[] all;
    /** By carrier: the route of the threads it carries (inline, ring operations allowed). */
    private final IoRoute[] ownRoutes;
    /** By carrier: the route of platform threads whose awaits it takes through its queue. */
    private final IoRoute[] queuedRoutes;
    /** By sub-poller: the route of the ordinary virtual threads it serves. */
    private final IoRoute[] subPollerRoutes;
    private final AtomicInteger[] live;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicLong threadNumbers = new AtomicLong();
    private final StallMonitor monitor;
    private final CarrierBalancer balancer;
    private final AtomicLong moves = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    private final ThreadAdoption adoption;
    /** The scheduler of released threads (the JDK's, with their starts on carriers), or null. */
    private final ReleasedScheduler releasedScheduler;
    /**
     * Carried threads made by the factory and not ended yet, with the carrier each is on (the
     * stall monitor looks here; a move updates it).
     */
    private final Map<Thread, AtomicInteger> carried = new ConcurrentHashMap<>();

    /**
     * @param sockets how sockets use the rings where a route runs ring operations
     * @param adopt   ordinary virtual threads move to the carriers at their first I/O call
     */
    CarrierGroup(List<Poller> pollers, List<Poller> subPollers, SocketModes sockets, boolean balance, boolean adopt) {
        this.carriers = pollers.toArray(Poller[]::new);
        this.subPollers = subPollers.toArray(Poller[]::new);
        this.all = Stream.concat(pollers.stream(), subPollers.stream()).toArray(Poller[]::new);
        BooleanSupplier closed = this::isTerminated;
        Supplier<Throwable> failure = this::failure;
        this.ownRoutes = new IoRoute[carriers.length];
        this.queuedRoutes = new IoRoute[carriers.length];
        for (int i = 0; i < carriers.length; i++) {
            ownRoutes[i] = new IoRoute(carriers[i], true, sockets, closed, failure);
            queuedRoutes[i] = new IoRoute(carriers[i], false, sockets, closed, failure);
        }
        this.subPollerRoutes = new IoRoute[this.subPollers.length];
        for (int i = 0; i < this.subPollers.length; i++) {
            subPollerRoutes[i] = new IoRoute(this.subPollers[i], true, sockets, closed, failure);
        }
        this.live = new AtomicInteger[carriers.length];
        for (int i = 0; i < live.length; i++) {
            live[i] = new AtomicInteger();
        }
        this.monitor = new StallMonitor(carriers, carried.keySet());
        boolean canMove = balance && VirtualThreads.canReschedule();
        this.balancer = new CarrierBalancer(carriers, canMove);
        if (canMove) {
            for (Poller c : carriers) {
                // Threads the factory placed stay: placement already spread them by live count.
                Poller[] others = Stream.of(carriers).filter(o -> o != c).toArray(Poller[]::new);
                c.carrier().shareStartsWith(others, carried::containsKey);
            }
        }
        Executor jdk = VirtualThreads.defaultScheduler();
        this.releasedScheduler = jdk == null ? null
                : new ReleasedScheduler(jdk, () -> isTerminated() ? null : carriers[placement()]);
        this.adoption = new ThreadAdoption(adopt, carriers, this::placement, this::isTerminated, () -> {
            monitor.startOnce();
            balancer.startOnce();
        });
    }

    int size() {
        return carriers.length;
    }

    int subPollerCount() {
        return subPollers.length;
    }

    /** The index of the carrier the current thread runs on right now, or -1 when none of this group's. */
    private int currentIndex() {
        Poller carrier = Poller.currentCarrier();
        if (carrier == null) {
            return -1; // an ordinary thread: the common case, decided without a scan
        }
        for (int i = 0; i < carriers.length; i++) {
            if (carriers[i] == carrier) {
                return i;
            }
        }
        return -1; // carried by another scheduler
    }

    /**
     * The route of the calling thread's I/O on {@code fd}: its own carrier; else, for an ordinary
     * virtual thread (when there are sub-pollers), the sub-poller of {@code fd}; else the carrier of
     * {@code fd}, through its queue.
     */
    IoRoute route(int fd) {
        int own = currentIndex();
        if (own >= 0) {
            if (balancer.takeRelease(Thread.currentThread()) && release(own)) {
                return route(fd); // an ordinary virtual thread from here on
            }
            int to = balancer.takeMove(own);
            if (to >= 0 && to != own) {
                own = move(own, to);
            }
            return ownRoutes[own];
        }
        Thread self = Thread.currentThread();
        if (self.isVirtual()) {
            adoption.offer(self);
            if (subPollerRoutes.length > 0) {
                return subPollerRoutes[fd % subPollerRoutes.length];
            }
        }
        return queuedRoutes[fd % queuedRoutes.length];
    }

    /**
     * Moves the calling carried thread from carrier {@code from} to {@code to}; returns the carrier
     * it runs on afterwards ({@code from} when it could not move).
     */
    private int move(int from, int to) {
        if (hop(from, carriers[to], to) != to) {
            return from;
        }
        moves.incrementAndGet();
        rehome(carried.get(Thread.currentThread()), to);
        return to;
    }

    /**
     * Hands the calling carried thread, seen computing for long on carrier {@code from}, to the
     * JDK's scheduler ({@link ReleasedScheduler}: the threads it starts later still start on
     * carriers); true once it runs there.
     */
    private boolean release(int from) {
        if (releasedScheduler == null || hop(from, releasedScheduler, -1) >= 0) {
            return false;
        }
        released.incrementAndGet();
        rehome(carried.remove(Thread.currentThread()), -1); // no longer counted on a carrier
        return true;
    }

    /**
     * The calling thread, on carrier {@code from}, names {@code scheduler} its scheduler and
     * yields, so it goes on there; returns the carrier index it runs on afterwards (-1: off the
     * carriers). A thread that did not end up at {@code expected} (a platform thread, or one
     * pinned by a native frame, which cannot yield) keeps {@code from} as its scheduler.
     */
    private int hop(int from, Executor scheduler, int expected) {
        if (!Thread.currentThread().isVirtual()) {
            return from;
        }
        VirtualThreads.reschedule(scheduler);
        Thread.yield();
        int now = currentIndex();
        if (now != expected) {
            VirtualThreads.reschedule(carriers[from]);
        }
        return now;
    }

    /** Ordinary virtual threads adopted so far ({@link ThreadAdoption}; not counted as live threads). */
    long adopted() {
        return adoption.adopted();
    }

    /**
     * Counts a factory-made thread ({@code home} non-null) on carrier {@code to} instead of where it
     * was, or on none ({@code -1}: released or ended). The thread itself calls this: no race.
     */
    private void rehome(AtomicInteger home, int to) {
        if (home == null || home.get() < 0) {
            return;
        }
        live[home.get()].decrementAndGet();
        if (to >= 0) {
            live[to].incrementAndGet();
        }
        home.set(to);
    }

    /** Carried threads handed to the JDK's scheduler after computing for long, so far. */
    long released() {
        return released.get();
    }

    /** True when the calling thread is virtual and carried by one of these carriers. */
    boolean carriesCurrentThread() {
        return Thread.currentThread().isVirtual() && currentIndex() >= 0;
    }

    /** Carried threads moved to another carrier so far, or started on another than their parent's. */
    long moves() {
        return moves.get() + counter(PollerCounters.STARTS_SENT);
    }

    /** Nanoseconds each carrier spent running carried threads (index = carrier). */
    long[] busyNanos() {
        long[] busy = new long[carriers.length];
        for (int i = 0; i < busy.length; i++) {
            busy[i] = carriers[i].carrier().busyNanos();
        }
        return busy;
    }

    void cancel(int fd) {
        for (Poller p : all) {
            p.cancel(fd);
        }
    }

    /** True once any carrier or sub-poller stopped: the scheduler then serves no await. */
    boolean isTerminated() {
        for (Poller p : all) {
            if (p.isTerminated()) {
                return true;
            }
        }
        return false;
    }

    /** The first carrier failure, or null. */
    Throwable failure() {
        for (Poller p : all) {
            Throwable t = p.failure();
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** A counter summed over the carriers and sub-pollers. */
    long counter(int counter) {
        return sum(all, counter);
    }

    /** A counter summed over the sub-pollers alone (for tests of the routing). */
    long subPollerCounter(int counter) {
        return sum(subPollers, counter);
    }

    private static long sum(Poller[] pollers, int counter) {
        long sum = 0;
        for (Poller p : pollers) {
            sum += p.counters().get(counter);
        }
        return sum;
    }

    /** Live carried threads per carrier, for placement reports. */
    int[] liveThreads() {
        int[] n = new int[live.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = live[i].get();
        }
        return n;
    }

    void close() {
        monitor.close();
        balancer.close();
        // Sub-pollers first: an idle one is woken through its master. Each close returns once its
        // poller ended, so a later one is not held up by an earlier one's threads.
        for (Poller p : subPollers) {
            p.close();
        }
        for (Poller p : carriers) {
            p.close();
        }
    }

    /**
     * A factory of virtual threads carried by this group; {@code namePrefix} null for unnamed
     * threads, else threads named prefix + a number ({@code numbered}) or the prefix alone. Where the JVM refuses carried threads it makes
     * ordinary virtual threads (named prefix + a number counted from 0), refused after close too.
     */
    ThreadFactory threadFactory(String namePrefix, boolean numbered) {
        if (VirtualThreads.unavailableReason() == null) {
            return task -> newThread(task, namePrefix, numbered);
        }
        Thread.Builder.OfVirtual builder = Thread.ofVirtual();
        if (namePrefix != null && numbered) {
            builder.name(namePrefix, 0);
        } else if (namePrefix != null) {
            builder.name(namePrefix);
        }
        ThreadFactory ordinary = builder.factory();
        return task -> {
            if (isTerminated()) {
                throw new RejectedExecutionException("Loomring scheduler is closed");
            }
            return ordinary.newThread(task);
        };
    }

    private Thread newThread(Runnable task, String namePrefix, boolean numbered) {
        if (isTerminated()) {
            throw new RejectedExecutionException("Loomring scheduler is closed: no new carried threads");
        }
        int index = placement();
        AtomicInteger home = new AtomicInteger(index);
        Thread.Builder.OfVirtual builder = VirtualThreads.builder(carriers[index]);
        if (namePrefix != null) {
            builder.name(numbered ? namePrefix + threadNumbers.getAndIncrement() : namePrefix);
        }
        Thread[] self = new Thread[1];
        Thread thread = builder.unstarted(() -> {
            try {
                task.run();
            } finally {
                carried.remove(self[0]);
                rehome(home, -1);
            }
        });
        self[0] = thread;
        carried.put(thread, home);
        live[index].incrementAndGet();
        monitor.startOnce();
        balancer.startOnce();
        return thread;
    }

    /** The carrier with the fewest live carried threads, scanning from the next in turn. */
    private int placement() {
        int n = carriers.length;
        int start = Math.floorMod(turn.getAndIncrement(), n);
        int best = start;
        int bestLoad = live[start].get();
        for (int k = 1; k < n && bestLoad > 0; k++) {
            int i = (start + k) % n;
            int load = live[i].get();
            if (load < bestLoad) {
                best = i;
                bestLoad = load;
            }
        }
        return best;
    }

    /**
     * Armed awaits, less the sub-pollers' own awaits on their masters. A sub-poller's mark and its
     * master's count change at slightly different moments, so the figure can be off by one for an
     * instant while a sub-poller goes to sleep or wakes up.
     */
    private long userAwaitsArmed() {
        return Math.max(0, counter(PollerCounters.ARMED) - subPollersParked());
    }

    /** Sub-pollers parked on their masters now (for tests of the idle hand-off). */
    int subPollersParked() {
        int n = 0;
        for (Poller p : subPollers) {
            if (p.isParkedOnMaster()) {
                n++;
            }
        }
        return n;
    }

    /** Summed counters as the API's record. */
    Stats stats() {
        return new Stats(counter(PollerCounters.ENTERS), counter(PollerCounters.SUBMITTED),
                counter(PollerCounters.COMPLETIONS), counter(PollerCounters.STALE),
                counter(PollerCounters.WAKEUPS), counter(PollerCounters.OVERFLOW_FLUSHES),
                userAwaitsArmed(), counter(PollerCounters.RESUBMITTED),
                counter(PollerCounters.RECEIVE_BUFFERS_HELD), counter(PollerCounters.FIXED_FILES));
    }
}
