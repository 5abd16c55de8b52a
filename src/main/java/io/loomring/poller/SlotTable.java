package io.loomring.poller;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The poller's table of armed waiters. A kernel request carries {@code generation << 32 | slot} as
 * its user_data; a slot's generation changes every time the slot is released, so a completion that
 * arrives after its await ended (timed out, interrupted, cancelled), even one for a file whose fd
 * number was closed and reused, no longer matches and is dropped instead of waking the slot's next
 * owner. Generations use 31 bits, so user_data values with bit 63 set are free for internal tags.
 *
 * <p>Poller thread only.
 */
public final class SlotTable {
    private static final int GENERATION_MASK = 0x7FFF_FFFF;

    private Waiter[] waiters;
    private int[] generations;
    private int[] free;
    private int freeCount;
    private int used;

    /** A table with room for {@code initialCapacity} waiters before it grows. */
    public SlotTable(int initialCapacity) {
        int n = Math.max(16, initialCapacity);
        waiters = new Waiter[n];
        generations = new int[n];
        free = new int[n];
        for (int i = 0; i < n; i++) {
            free[i] = n - 1 - i; // hand out low slots first
        }
        freeCount = n;
    }

    /** The user_data naming {@code slot} at {@code generation}. */
    public static long userData(int slot, int generation) {
        return ((long) generation << 32) | (slot & 0xFFFF_FFFFL);
    }

    /** Gives {@code w} a slot and returns its user_data. */
    public long acquire(Waiter w) {
        if (freeCount == 0) {
            grow();
        }
        int slot = free[--freeCount];
        waiters[slot] = w;
        w.slot = slot;
        w.generation = generations[slot];
        used++;
        return userData(slot, w.generation);
    }

    /**
     * The waiter a completion's user_data names, or null when the completion is stale (its slot was
     * released since, whether or not it was reused).
     */
    public Waiter lookup(long userData) {
        if (userData < 0) {
            return null;
        }
        int slot = (int) userData;
        int generation = (int) (userData >>> 32);
        if (slot < 0 || slot >= waiters.length || generations[slot] != generation) {
            return null;
        }
        return waiters[slot];
    }

    /** The user_data of an armed waiter. */
    public static long userDataOf(Waiter w) {
        return userData(w.slot, w.generation);
    }

    /** Frees {@code w}'s slot and moves the slot to its next generation. */
    public void release(Waiter w) {
        int slot = w.slot;
        if (slot < 0 || waiters[slot] != w) {
            throw new IllegalStateException("waiter does not hold slot " + slot);
        }
        waiters[slot] = null;
        generations[slot] = (generations[slot] + 1) & GENERATION_MASK;
        free[freeCount++] = slot;
        w.slot = Waiter.RELEASED;
        used--;
    }

    /** Number of slots held. */
    public int used() {
        return used;
    }

    /** Visits every armed waiter; the visitor may release the one it is given. */
    public void forEach(Consumer<Waiter> visitor) {
        Waiter[] snapshot = waiters;
        for (int i = 0; i < snapshot.length; i++) {
            Waiter w = snapshot[i];
            if (w != null) {
                visitor.accept(w);
            }
        }
    }

    private void grow() {
        int old = waiters.length;
        int n = old * 2;
        if (n <= old) {
            throw new IllegalStateException("slot table full");
        }
        waiters = Arrays.copyOf(waiters, n);
        generations = Arrays.copyOf(generations, n);
        free = Arrays.copyOf(free, n);
        for (int i = n - 1; i >= old; i--) {
            free[freeCount++] = i;
        }
    }
}
