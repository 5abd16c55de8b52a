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
 * <p>The producers' {@code tail} and the consumer's {@code head} sit on cache lines of their own:
 * the superclasses below lay out padding, tail, padding, head, padding (the JVM keeps a
 * superclass's fields before a subclass's), so a producer's swap does not invalidate the line the
 * consumer reads its head from on every poll.
 *
 * @param <T> element type
 */
public final class MpscQueue<T> extends MpscQueueHead<T> {
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(MpscQueueTail.class, "tail", MpscQueueNode.class);
            NEXT = lookup.findVarHandle(MpscQueueNode.class, "next", MpscQueueNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Padding after head, so an object allocated next does not share its line.
    byte b000, b001, b002, b003, b004, b005, b006, b007, b008, b009, b010, b011, b012, b013, b014, b015;
    byte b016, b017, b018, b019, b020, b021, b022, b023, b024, b025, b026, b027, b028, b029, b030, b031;
    byte b032, b033, b034, b035, b036, b037, b038, b039, b040, b041, b042, b043, b044, b045, b046, b047;
    byte b048, b049, b050, b051, b052, b053, b054, b055, b056, b057, b058, b059, b060, b061, b062, b063;

    /** An empty queue. */
    public MpscQueue() {
        MpscQueueNode<T> stub = new MpscQueueNode<>(null);
        head = stub;
        TAIL.setVolatile(this, stub); // published with the queue by whoever hands the queue over
    }

    /** Appends {@code value}; any thread. */
    public void offer(T value) {
        if (value == null) {
            throw new NullPointerException();
        }
        MpscQueueNode<T> node = new MpscQueueNode<>(value);
        // Volatile swap (a full fence): producers serialise on it, and it is the producer's half of
        // the sleep handshake (publish, then read the gate), so it must not be weaker.
        @SuppressWarnings("unchecked")
        MpscQueueNode<T> previous = (MpscQueueNode<T>) TAIL.getAndSet(this, node);
        // Release: the node's value (written above, plainly) is visible to a consumer that reads
        // this link with acquire or stronger.
        NEXT.setRelease(previous, node);
    }

    /**
     * Takes the oldest element, or returns null when the queue is empty. Consumer thread only.
     * If a producer has swapped the tail but not yet linked its node, waits for the link.
     */
    public T poll() {
        MpscQueueNode<T> h = head; // plain: only the consumer writes head
        MpscQueueNode<T> next = loadNextVolatile(h);
        if (next == null) {
            if (loadTailVolatile() == h) {
                return null;
            }
            // Swapped in but not linked yet: the link store is a few instructions away.
            while ((next = loadNextVolatile(h)) == null) {
                Thread.onSpinWait();
            }
        }
        head = next;
        T value = next.value;
        next.value = null; // the node now serves as the stub: let the element go
        return value;
    }

    /**
     * True when no producer has enqueued anything the consumer has not taken. Consumer thread
     * only. A volatile read of the tail: after the owner's volatile store to its wakeup gate, it is
     * the owner's half of the sleep handshake, paired with a producer's swap.
     */
    public boolean isEmpty() {
        return loadTailVolatile() == head;
    }

    /** Volatile (not just acquire) load: it takes part in the handshake described at {@link #isEmpty}. */
    @SuppressWarnings("unchecked")
    private MpscQueueNode<T> loadTailVolatile() {
        return (MpscQueueNode<T>) TAIL.getVolatile(this);
    }

    /**
     * Volatile load of a link; acquire would do to see the node's value (paired with the release
     * store in {@link #offer}), volatile keeps it ordered before the tail read that follows.
     */
    @SuppressWarnings("unchecked")
    private static <T> MpscQueueNode<T> loadNextVolatile(MpscQueueNode<T> node) {
        return (MpscQueueNode<T>) NEXT.getVolatile(node);
    }
}

/** One element and its link; the consumer's current node is a stub whose value is null. */
final class MpscQueueNode<T> {
    /** Written before the node is published by the release store of its predecessor's link. */
    T value;
    /** Accessed through MpscQueue's VarHandle only. */
    @SuppressWarnings("unused")
    volatile MpscQueueNode<T> next;

    MpscQueueNode(T value) {
        this.value = value;
    }
}

/** Padding before the producers' field (the object header shares the first line). */
abstract class MpscQueuePadBeforeTail {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
}

/** The producers' field: every offer swaps itself in here. */
abstract class MpscQueueTail<T> extends MpscQueuePadBeforeTail {
    /** Accessed through MpscQueue's VarHandle only. */
    @SuppressWarnings("unused")
    volatile MpscQueueNode<T> tail;
}

/** Padding between the producers' and the consumer's fields. */
abstract class MpscQueuePadBeforeHead<T> extends MpscQueueTail<T> {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
}

/** The consumer's field. */
abstract class MpscQueueHead<T> extends MpscQueuePadBeforeHead<T> {
    /** Consumer-owned (plain): the last consumed node, a stub at first. */
    MpscQueueNode<T> head;
}
