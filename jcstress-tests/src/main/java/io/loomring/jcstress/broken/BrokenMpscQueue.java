package io.loomring.jcstress.broken;

/**
 * The library's MPSC queue design with one deliberate defect, for the broken twins:
 * <ul>
 *   <li>{@link Defect#SPLIT_SWAP}: a producer reads the tail and then writes it, instead of one
 *       atomic swap, so two producers can link behind the same node and one element is lost;
 *   <li>{@link Defect#VALUE_AFTER_LINK}: a producer links its node and only then stores the
 *       element, so the consumer can take the node while it is still empty.
 * </ul>
 * The consumer gives up on a link that does not appear after a bounded wait (the real queue waits
 * for it), so a broken run reports instead of hanging.
 */
final class BrokenMpscQueue<T> {
    enum Defect { SPLIT_SWAP, VALUE_AFTER_LINK }

    private static final class Node<T> {
        T value;
        volatile Node<T> next;
    }

    private final Defect defect;
    private Node<T> head;
    private volatile Node<T> tail;

    BrokenMpscQueue(Defect defect) {
        this.defect = defect;
        Node<T> stub = new Node<>();
        head = stub;
        tail = stub;
    }

    void offer(T value) {
        Node<T> node = new Node<>();
        if (defect == Defect.SPLIT_SWAP) {
            node.value = value;
            Node<T> previous = tail; // wrong: another producer may swap in between
            tail = node;
            previous.next = node;
        } else {
            Node<T> previous;
            synchronized (this) { // an atomic swap, as in the real queue
                previous = tail;
                tail = node;
            }
            previous.next = node;
            node.value = value; // wrong: the node is reachable before it holds its element
        }
    }

    T poll() {
        Node<T> h = head;
        Node<T> next = h.next;
        for (int spins = 0; next == null && tail != h && spins < 100_000; spins++) {
            Thread.onSpinWait();
            next = h.next;
        }
        if (next == null) {
            return null;
        }
        head = next;
        T value = next.value;
        next.value = null;
        return value;
    }
}
