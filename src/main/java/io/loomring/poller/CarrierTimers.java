package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The deadlines of a carrier's timed waits: a carried thread that waits with a timeout parks
 * untimed, and its carrier wakes it when the deadline passes, checked between two batches and
 * bounding the carrier's sleep in the kernel.
 *
 * <p>Why: the JDK times a virtual thread's {@code parkNanos} with a shared delayed-task scheduler,
 * a task scheduled behind a lock and cancelled again (a heap removal) for every wait that ends in
 * time, which on a server with read timeouts is every request's read. Here a thread has one slot
 * for all its waits, which stays in the heap while its deadlines only move later (an idle or read
 * timeout counted again from each request): arming a wait is then two field writes, ending it
 * one, and the heap is sifted once per slot and second at most, when the carrier finds the key
 * it was filed under passed and files it again, under its current deadline or the next whole
 * second, whichever comes first. That bound keeps the slot of a thread that stopped waiting (or
 * ended) no longer than two seconds, and makes one wakeup of an idle carrier a second refile all
 * of its waits that are longer.
 *
 * <p>Threads: the heap and the slots' keys belong to the carrier thread; a carried thread arms its
 * slot while running on that carrier, so on the same platform thread. A thread that the balancer
 * moved to another carrier leaves its slot to the carrier it was filed with (which drops it once
 * its key passes) and takes a new one there. The only field read across threads is a slot's
 * deadline, and what a stale read can cause is one spurious unpark, which every park loop
 * tolerates.
 *
 * <p>A carried thread pinned in a native frame that waits parks its carrier's platform thread: the
 * carrier cannot check its timers then. {@link #wakeOverdue} lets the stall monitor end such a
 * wait once its deadline passed (one to two seconds late).
 */
final class CarrierTimers {
    /** How far ahead at most, rounded up to a whole multiple, a slot is filed. */
    static final long HORIZON_NANOS = 1_000_000_000L;
    private static final ThreadLocal<Slot> SLOTS = new ThreadLocal<>();
    private static final VarHandle DEADLINE;
    private static final VarHandle LAST_ARMED;

    static {
        try {
            DEADLINE = MethodHandles.lookup().findVarHandle(Slot.class, "deadline", long.class);
            LAST_ARMED = MethodHandles.lookup().findVarHandle(CarrierTimers.class, "lastArmed", Slot.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One thread's timed waits on one carrier. */
    static final class Slot {
        final Thread thread;
        final CarrierTimers owner;
        /** The wait's deadline ({@link System#nanoTime}), 0 when not waiting; opaque accesses. */
        @SuppressWarnings("unused")
        private long deadline;
        /** What the heap orders it by (its deadline when filed, or earlier); owner thread only. */
        private long key;
        /** Its index in the heap, -1 when not in it; owner thread only. */
        private int index = -1;

        Slot(Thread thread, CarrierTimers owner) {
            this.thread = thread;
            this.owner = owner;
        }

        long deadline() {
            return (long) DEADLINE.getOpaque(this);
        }

        /** True while filed in its carrier's heap; carrier thread. */
        boolean isFiled() {
            return index >= 0;
        }

        /** The wait ended (in time or not); its thread, on whichever carrier runs it now. */
        void disarm() {
            DEADLINE.setOpaque(this, 0L);
        }
    }

    private final PollerCounters counters;
    /** {@link System#nanoTime}, or a test's clock. */
    private final LongSupplier clock;
    private Slot[] heap = new Slot[16];
    private int size;
    /** The slot armed last here: the stall monitor's hint (opaque accesses). */
    @SuppressWarnings("unused")
    private Slot lastArmed;

    CarrierTimers(PollerCounters counters, LongSupplier clock) {
        this.counters = counters;
        this.clock = clock;
    }

    /** The key to file a wait until {@code deadline} under at {@code now}: see the class comment. */
    static long keyFor(long deadline, long now) {
        long horizon = now + HORIZON_NANOS;
        horizon += HORIZON_NANOS - Math.floorMod(horizon, HORIZON_NANOS);
        return deadline - horizon < 0 ? deadline : horizon;
    }

    /**
     * Parks the calling thread, which this carrier runs now, until it is unparked or
     * {@code deadline} passes (possibly spuriously, as {@link LockSupport#parkNanos} may return).
     */
    void parkUntil(Object blocker, long deadline) {
        Slot slot = SLOTS.get();
        if (slot == null || slot.owner != this) {
            slot = new Slot(Thread.currentThread(), this); // moved here: the old one is dropped where it is
            SLOTS.set(slot);
        }
        arm(slot, deadline);
        try {
            LockSupport.park(blocker);
        } finally {
            slot.disarm();
        }
    }

    /** Files {@code slot}'s wait until {@code deadline}; carrier thread (its thread running here). */
    void arm(Slot slot, long deadline) {
        DEADLINE.setOpaque(slot, deadline);
        LAST_ARMED.setOpaque(this, slot);
        if (slot.index < 0) {
            slot.key = keyFor(deadline, clock.getAsLong());
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            siftUp(size++, slot);
        } else if (deadline - slot.key < 0) {
            slot.key = deadline;
            siftUp(slot.index, slot);
        } // else: filed under an earlier key; the carrier files it again when that one passes
    }

    /** True when no slot is filed (then nothing bounds the carrier's sleep). */
    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest key filed ({@link System#nanoTime}); only when not {@link #isEmpty}. */
    long nextKey() {
        return heap[0].key;
    }

    /**
     * Wakes the threads whose deadlines passed by {@code now}, files again the slots whose
     * deadlines moved later, and drops those not waiting; carrier thread, between batches.
     */
    void expire(long now) {
        while (size > 0 && heap[0].key - now <= 0) {
            Slot top = heap[0];
            long deadline = top.deadline();
            if (deadline != 0 && deadline - now > 0) {
                top.key = keyFor(deadline, now);
                siftDown(0, top);
                continue;
            }
            removeTop();
            if (deadline != 0) {
                counters.add(PollerCounters.TIMERS_FIRED, 1);
                LockSupport.unpark(top.thread);
            }
        }
    }

    /**
     * For the stall monitor, while this carrier's loop does not run: wakes the thread that armed
     * a wait here last if its deadline passed by {@code now} (the carried thread that blocks the
     * carrier, when it waits pinned). Any thread; at worst a spurious unpark.
     */
    void wakeOverdue(long now) {
        Slot last = (Slot) LAST_ARMED.getOpaque(this);
        long deadline;
        if (last != null && (deadline = last.deadline()) != 0 && deadline - now <= 0) {
            LockSupport.unpark(last.thread);
        }
    }

    /**
     * The carrier terminates: wakes every thread still waiting here (each then waits out what is
     * left of its timeout where it runs next) and drops every slot; carrier thread.
     */
    void wakeAll() {
        for (int i = 0; i < size; i++) {
            Slot slot = heap[i];
            slot.index = -1;
            heap[i] = null;
            if (slot.deadline() != 0) {
                LockSupport.unpark(slot.thread);
            }
        }
        size = 0;
    }

    private void removeTop() {
        Slot top = heap[0];
        top.index = -1;
        Slot last = heap[--size];
        heap[size] = null;
        if (size > 0) {
            siftDown(0, last);
        }
    }

    private void siftUp(int i, Slot slot) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Slot p = heap[parent];
            if (slot.key - p.key >= 0) {
                break;
            }
            place(i, p);
            i = parent;
        }
        place(i, slot);
    }

    private void siftDown(int i, Slot slot) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Slot c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].key - c.key < 0) {
                c = heap[child = right];
            }
            if (slot.key - c.key <= 0) {
                break;
            }
            place(i, c);
            i = child;
        }
        place(i, slot);
    }

    private void place(int i, Slot slot) {
        heap[i] = slot;
        slot.index = i;
    }
}
