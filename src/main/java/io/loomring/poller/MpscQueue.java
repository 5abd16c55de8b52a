package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An unbounded multi-producer, single-consumer queue (Vyukov's linked design): an enqueue is one
 * atomic swap of the tail and one release store of the old tail's link, with no lock and no CAS
 * retry loop; the consumer (the poller thread) never writes a shared field except its own head.
 *
 * <p>Between a producer's swap and its link store the queue is <em>non-empty but not yet
 * linked</em>. {@link #isEmpty()} reports such a queue as non-empty (it compares the tail, which the
 * swap published), and {@link #poll()} spins the few instructions until the link appears. That is
 * what the poller's sleep handshake needs: an element whose swap has happened is never missed.
 *
 * @param <T> element type
 */
public final class MpscQueue<T> {
    static final class Node<T> {
        T value;
        volatile Node<T> next;

        Node(T value) {
            this.value = value;
        }
    }

    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(MpscQueue.class, "tail", Node.class);
            NEXT = lookup.findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Consumer-owned: the last consumed node (a stub at first). */
    private Node<T> head;
    /** Producers swap themselves in here. */
    @SuppressWarnings("unused")
    private volatile Node<T> tail;

    /** An empty queue. */
    public MpscQueue() {
        Node<T> stub = new Node<>(null);
        head = stub;
        tail = stub;
    }

    /** Appends {@code value}; any thread. The swap is a full fence (volatile read-modify-write). */
    public void offer(T value) {
        if (value == null) {
            throw new NullPointerException();
        }
        Node<T> node = new Node<>(value);
        @SuppressWarnings("unchecked")
        Node<T> previous = (Node<T>) TAIL.getAndSet(this, node);
        NEXT.setRelease(previous, node);
    }

    /**
     * Takes the oldest element, or returns null when the queue is empty. Consumer thread only.
     * If a producer has swapped the tail but not yet linked its node, waits for the link.
     */
    public T poll() {
        Node<T> h = head;
        Node<T> next = h.next;
        if (next == null) {
            if (tail == h) {
                return null;
            }
            while ((next = h.next) == null) {
                Thread.onSpinWait();
            }
        }
        head = next;
        T value = next.value;
        next.value = null;
        return value;
    }

    /**
     * True when no producer has enqueued anything the consumer has not taken. A volatile read of
     * the tail: paired with a producer's swap, it is one side of the poller's sleep handshake.
     * Consumer thread only.
     */
    public boolean isEmpty() {
        return tail == head;
    }
}
