package io.loomring;

import io.loomring.poller.Poller;
import io.loomring.poller.PollerCounters;
import io.loomring.poller.VirtualThreads;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler's carriers (its pollers, one platform thread and one ring or epoll set each) and the
 * rules for which one serves what:
 * <ul>
 *   <li>an await from a thread a carrier carries goes to that carrier, inline;</li>
 *   <li>an await from any other thread goes to the carrier chosen by the fd's number, so every
 *       await on one fd from such threads meets in one kernel object;</li>
 *   <li>{@code cancel(fd)} goes to every carrier, since carried threads anywhere may await the fd;</li>
 *   <li>a new carried thread goes to the carrier with the fewest live carried threads (ties to the
 *       next in turn), so connections that end unevenly do not leave one carrier with most of the
 *       load. A virtual thread started by a carried thread inherits its carrier (the JDK passes the
 *       scheduler on), and is not counted.</li>
 * </ul>
 */
final class CarrierGroup {
    private final Poller[] carriers;
    private final AtomicInteger[] live;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicLong threadNumbers = new AtomicLong();
    private final StallMonitor monitor;
    /** Carried threads made by the factory and not ended yet (the stall monitor looks here). */
    private final Set<Thread> carried = ConcurrentHashMap.newKeySet();

    CarrierGroup(List<Poller> pollers) {
        this.carriers = pollers.toArray(Poller[]::new);
        this.live = new AtomicInteger[carriers.length];
        for (int i = 0; i < live.length; i++) {
            live[i] = new AtomicInteger();
        }
        this.monitor = new StallMonitor(carriers, carried);
    }

    int size() {
        return carriers.length;
    }

    /** The carrier the current thread runs on right now, or null when it is not carried by this group. */
    Poller current() {
        Thread carrier = VirtualThreads.currentCarrier();
        for (Poller p : carriers) {
            if (p.carrierThread() == carrier) {
                return p;
            }
        }
        return null;
    }

    /** The carrier for an await from {@code Thread.currentThread()} on {@code fd}. */
    Poller forAwait(int fd) {
        Poller own = current();
        return own != null ? own : carriers[fd % carriers.length];
    }

    void cancel(int fd) {
        for (Poller p : carriers) {
            p.cancel(fd);
        }
    }

    /** True once any carrier stopped: the scheduler then serves no await. */
    boolean isTerminated() {
        for (Poller p : carriers) {
            if (p.isTerminated()) {
                return true;
            }
        }
        return false;
    }

    /** The first carrier failure, or null. */
    Throwable failure() {
        for (Poller p : carriers) {
            Throwable t = p.failure();
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** A counter summed over the carriers. */
    long counter(int counter) {
        long sum = 0;
        for (Poller p : carriers) {
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
        // Stop them all first, so each one's close is not held up by the others' threads.
        for (Poller p : carriers) {
            p.close();
        }
    }

    /**
     * A factory of virtual threads carried by this group; {@code namePrefix} null for unnamed
     * threads, else threads named prefix + a number.
     */
    ThreadFactory threadFactory(String namePrefix) {
        return task -> newThread(task, namePrefix);
    }

    private Thread newThread(Runnable task, String namePrefix) {
        if (isTerminated()) {
            throw new RejectedExecutionException("Loomring scheduler is closed: no new carried threads");
        }
        int index = placement();
        AtomicInteger count = live[index];
        Thread.Builder.OfVirtual builder = VirtualThreads.builder(carriers[index]);
        if (namePrefix != null) {
            builder.name(namePrefix + threadNumbers.getAndIncrement());
        }
        Thread[] self = new Thread[1];
        Thread thread = builder.unstarted(() -> {
            try {
                task.run();
            } finally {
                carried.remove(self[0]);
                count.decrementAndGet();
            }
        });
        self[0] = thread;
        carried.add(thread);
        count.incrementAndGet();
        monitor.startOnce();
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

    /** Summed counters as the API's record. */
    Stats stats() {
        return new Stats(counter(PollerCounters.ENTERS), counter(PollerCounters.SUBMITTED),
                counter(PollerCounters.COMPLETIONS), counter(PollerCounters.STALE),
                counter(PollerCounters.WAKEUPS), counter(PollerCounters.OVERFLOW_FLUSHES),
                counter(PollerCounters.ARMED));
    }
}
