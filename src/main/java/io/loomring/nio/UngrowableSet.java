package io.loomring.nio;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;

/**
 * A view of a set that allows removal but not addition, as {@link java.nio.channels.Selector#selectedKeys()}
 * specifies: an application removes the keys it handled; only the selector adds.
 */
final class UngrowableSet<E> extends AbstractSet<E> {
    private final Set<E> set;

    UngrowableSet(Set<E> set) {
        this.set = set;
    }

    @Override
    public int size() {
        return set.size();
    }

    @Override
    public boolean isEmpty() {
        return set.isEmpty();
    }

    @Override
    public boolean contains(Object o) {
        return set.contains(o);
    }

    @Override
    public boolean remove(Object o) {
        return set.remove(o);
    }

    @Override
    public void clear() {
        set.clear();
    }

    @Override
    public Iterator<E> iterator() {
        return set.iterator(); // its remove() is allowed
    }

    @Override
    public boolean add(E e) {
        throw new UnsupportedOperationException("the selected-key set does not grow by add");
    }
}
