package io.loomring.nio;

import java.util.Arrays;

/**
 * The ids a {@link LoomringSelector} puts in its epoll events, and the keys they name: an id is
 * {@code generation << 32 | slot}, so an event read for a key that was deregistered meanwhile
 * (and whose slot another key took) finds no key, instead of the wrong one. Used only by the
 * selecting thread and by close, under the selector's monitor.
 */
final class KeyTable {
    private LoomringSelectionKey[] keys = new LoomringSelectionKey[16];
    private int[] generations = new int[16];
    private int[] free = new int[16];
    private int freeCount;
    private int used;

    /** Gives {@code key} a slot and returns its id (never negative). */
    long add(LoomringSelectionKey key) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (used == keys.length) {
                keys = Arrays.copyOf(keys, used * 2);
                generations = Arrays.copyOf(generations, used * 2);
            }
            slot = used++;
        }
        int generation = (generations[slot] + 1) & Integer.MAX_VALUE; // keeps ids non-negative
        generations[slot] = generation;
        keys[slot] = key;
        return (long) generation << 32 | slot;
    }

    /** The key with this id, or null when it was removed (or the id is not one of this table's). */
    LoomringSelectionKey get(long id) {
        int slot = (int) id;
        if (slot < 0 || slot >= used) {
            return null;
        }
        LoomringSelectionKey k = keys[slot];
        return k != null && k.id == id ? k : null;
    }

    /** Frees the slot of this id, if it still holds its key. */
    void remove(long id) {
        int slot = (int) id;
        if (get(id) == null) {
            return;
        }
        keys[slot] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = slot;
    }
}
