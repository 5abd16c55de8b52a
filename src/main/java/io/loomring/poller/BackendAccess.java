package io.loomring.poller;

/**
 * The one door to the poller-owned fields of a {@link Completion} (its slot, generation and per-fd
 * link, an operation's cancel marks) from the backend packages ({@code poller.uring},
 * {@code poller.epoll}). Those fields are package-private so that no caller of the scheduler can
 * touch them; the backends, in packages of their own, need them, and so do their helpers (the slot
 * table, the epoll interest set). Protected static accessors reach exactly the classes that extend
 * this one, where public setters would reach everyone. Poller thread only, like the fields.
 */
public abstract class BackendAccess {
    /** Slot value before the poller armed the request. */
    protected static final int NOT_ARMED = Completion.NOT_ARMED;
    /** Slot value once the poller no longer tracks the request. */
    protected static final int RELEASED = Completion.RELEASED;

    /** For subclasses only. */
    protected BackendAccess() {}

    /** The slot {@code c} holds, or {@link #NOT_ARMED} / {@link #RELEASED}. */
    protected static int slotOf(Completion c) {
        return c.slot;
    }

    /** Records the slot {@code c} holds (or {@link #NOT_ARMED} / {@link #RELEASED}). */
    protected static void setSlot(Completion c, int slot) {
        c.slot = slot;
    }

    /** The generation {@code c} was armed with. */
    protected static int generationOf(Completion c) {
        return c.generation;
    }

    /** Records the generation {@code c} is armed with. */
    protected static void setGeneration(Completion c, int generation) {
        c.generation = generation;
    }

    /** The next request in a backend's per-fd list. */
    protected static Completion nextOnFd(Completion c) {
        return c.nextOnFd;
    }

    /** Links {@code c} to {@code next} in a backend's per-fd list. */
    protected static void setNextOnFd(Completion c, Completion next) {
        c.nextOnFd = next;
    }

    /** True once an ASYNC_CANCEL for {@code op} is in the ring. */
    protected static boolean isCancelSubmitted(Operation op) {
        return op.cancelSubmitted;
    }

    /** Marks that an ASYNC_CANCEL for {@code op} is in the ring. */
    protected static void markCancelSubmitted(Operation op) {
        op.cancelSubmitted = true;
    }

    /** Marks that {@code cancel(fd)} cancelled {@code op} (before its final completion decides it). */
    protected static void markCancelledByFd(Operation op) {
        op.cancelledByFd = true;
    }

    /** Where a {@code SEND_ZC} of {@code op} stands (the backend's own stage constants; 0 at first). */
    protected static byte zeroCopyStage(Operation op) {
        return op.zeroCopyStage;
    }

    /** Records where a {@code SEND_ZC} of {@code op} stands. */
    protected static void setZeroCopyStage(Operation op, byte stage) {
        op.zeroCopyStage = stage;
    }

    /** The first CQE result of {@code op}'s {@code SEND_ZC}, kept until its notification. */
    protected static int zeroCopyResult(Operation op) {
        return op.zeroCopyResult;
    }

    /** Keeps the first CQE result of {@code op}'s {@code SEND_ZC} until its notification. */
    protected static void setZeroCopyResult(Operation op, int result) {
        op.zeroCopyResult = result;
    }
}
