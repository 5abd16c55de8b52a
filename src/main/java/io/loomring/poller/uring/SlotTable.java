package io.loomring.poller.uring;

import io.loomring.poller.BackendAccess;
import io.loomring.poller.Completion;
import io.loomring.poller.GenerationKey;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The io_uring backend's table of requests in the kernel. A request carries its slot and the
 * slot's generation as its user_data ({@link UserData}); a slot's generation changes every time the
 * slot is released, so a completion that arrives after its request ended (timed out, interrupted,
 * cancelled), even one for a file whose fd number was closed and reused, no longer matches and is
 * dropped instead of waking the slot's next owner.
 *
 * <p>It records the slot and generation in the request itself (through {@link BackendAccess}, the
 * poller's door to those fields), so the backend finds a request's user_data without a lookup.
 * Poller thread only.
 */
public final class SlotTable extends BackendAccess {
    private Completion[] requests;
    private int[] generations;
    private int[] free;
    private int freeCount;
    private int used;

    /** A table with room for {@code initialCapacity} requests before it grows. */
    public SlotTable(int initialCapacity) {
        int n = Math.max(16, initialCapacity);
        requests = new Completion[n];
        generations = new int[n];
        free = new int[n];
        for (int i = 0; i < n; i++) {
            free[i] = n - 1 - i; // hand out low slots first
        }
        freeCount = n;
    }

    /** Gives {@code c} a slot and returns its user_data. */
    public long acquire(Completion c) {
        if (freeCount == 0) {
            grow();
        }
        int slot = free[--freeCount];
        requests[slot] = c;
        setSlot(c, slot);
        setGeneration(c, generations[slot]);
        used++;
        return UserData.of(slot, generations[slot]);
    }

    /**
     * The request a completion's user_data names, or null when the completion is stale (its slot
     * was released since, whether or not it was reused) or carries a tag.
     */
    public Completion lookup(long userData) {
        if (UserData.isTag(userData)) {
            return null;
        }
        int slot = UserData.slot(userData);
        if (slot < 0 || slot >= requests.length || generations[slot] != UserData.generation(userData)) {
            return null;
        }
        return requests[slot];
    }

    /** The user_data of a request that holds a slot. */
    public static long userDataOf(Completion c) {
        return UserData.of(slotOf(c), generationOf(c));
    }

    /** Frees {@code c}'s slot and moves the slot to its next generation. */
    public void release(Completion c) {
        int slot = slotOf(c);
        if (slot < 0 || requests[slot] != c) {
            throw new IllegalStateException("request does not hold slot " + slot);
        }
        requests[slot] = null;
        generations[slot] = GenerationKey.next(generations[slot]);
        free[freeCount++] = slot;
        setSlot(c, RELEASED);
        used--;
    }

    /** Number of slots held. */
    public int used() {
        return used;
    }

    /** Visits every request in the table; the visitor may release the one it is given. */
    public void forEach(Consumer<Completion> visitor) {
        Completion[] snapshot = requests;
        for (int i = 0; i < snapshot.length; i++) {
            Completion c = snapshot[i];
            if (c != null) {
                visitor.accept(c);
            }
        }
    }

    private void grow() {
        int old = requests.length;
        int n = old * 2;
        if (n <= old) {
            throw new IllegalStateException("slot table full");
        }
        requests = Arrays.copyOf(requests, n);
        generations = Arrays.copyOf(generations, n);
        free = Arrays.copyOf(free, n);
        for (int i = n - 1; i >= old; i--) {
            free[freeCount++] = i;
        }
    }
}
