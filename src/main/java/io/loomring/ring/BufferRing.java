package io.loomring.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, 5.19): {@code entries} buffers of
 * {@code bufferSize} bytes that the kernel picks from, one per multishot {@code RECV} completion,
 * and that the application hands back once it has copied their bytes out.
 *
 * <p>The ring is an array of {@code struct io_uring_buf} {addr u64, len u32, bid u16, resv u16};
 * the application is its producer: it writes an entry at {@code tail & mask} and then stores the
 * 16-bit tail (which overlays the first entry's {@code resv}, at byte 14) with <em>release</em>,
 * so a kernel that loads the tail with acquire sees the whole entry. The kernel consumes from its
 * own head; it writes only the entry it is filling incrementally (its address and length move on),
 * never one at the tail, where the application writes.
 *
 * <p>Registered <em>incremental</em> ({@code IOU_PBUF_RING_INC}, 6.12), the kernel fills a buffer
 * a receive at a time: each completion takes only its bytes, at the end of the previous ones, and
 * says with {@code IORING_CQE_F_BUF_MORE} that it keeps the rest for the next receive, of any
 * socket. The kernel does not say where a completion's bytes start; they follow the previous
 * completion's with that buffer, in completion order, so the poller, which reaps every completion
 * in that order, counts the offsets ({@link #chunk}). Without the flag every completion ends the
 * kernel's use, and the offset is always 0: one code path serves both.
 *
 * <p>A buffer goes back once the kernel is done with it (a {@link #chunk} without
 * {@code F_BUF_MORE}, or {@link #kernelDone}) and every chunk of it
 * has been read or discarded ({@link #release}): an atomic count per buffer, two per unread chunk
 * and one while the kernel holds it, and whoever takes it to zero puts the buffer back. Chunks of
 * one buffer may belong to different sockets, read by different threads (the reading thread, on
 * any carrier, or a closing one, and the poller itself), so putting back takes a {@link SpinLock}:
 * the entry and the tail are written by one producer at a time. A buffer must not be read once
 * handed back: the kernel may fill it at once.
 *
 * <p>The memory belongs to an automatic arena: it stays valid while anything still holds this
 * object (a socket with bytes queued in its buffers), even after the ring that used it closed, so
 * a late reader never touches freed memory.
 */
public final class BufferRing {
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();
    private static final long ENTRY_SIZE = 16;
    private static final long TAIL_OFFSET = 14;
    private static final long PAGE = 4096;
    /** The largest buffer: a chunk's offset and length each fit in 24 bits. */
    public static final int MAX_BUFFER_SIZE = 1 << 23;

    private final int group;
    private final int entries;
    private final int mask;
    private final int bufferSize;
    private final MemorySegment ring;
    private final MemorySegment buffers;
    private final SpinLock lock = new SpinLock();
    /** Entries added so far (mod 2^16 in the ring's tail); under {@link #lock}. */
    private int tail;
    /** Per buffer: 2 per unread chunk, plus 1 while the kernel holds it; 0 puts it back. */
    private final AtomicIntegerArray holds;
    /** Per buffer: where the kernel's next bytes go (poller only). */
    private final int[] nextOffset;
    /** Told +1 when a buffer gets its first unread chunk, -1 when its last one is released. */
    private final IntConsumer heldChanged;

    /**
     * Allocates the ring and its buffers and puts every buffer in it; registering it with a ring
     * is {@link IoUring#registerBufferRing}'s.
     *
     * @param group      the buffer group id SQEs name
     * @param entries    a power of two, at most 32768
     * @param bufferSize bytes per buffer
     */
    public BufferRing(int group, int entries, int bufferSize) {
        this(group, entries, bufferSize, delta -> { });
    }

    /**
     * As {@link #BufferRing(int, int, int)}, telling {@code heldChanged} how many buffers hold
     * unread chunks: +1 when a buffer gets its first, -1 when its last one is released (on the
     * releasing thread: short, never blocking).
     */
    public BufferRing(int group, int entries, int bufferSize, IntConsumer heldChanged) {
        if (entries <= 0 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries must be a power of two in [1, 32768]: " + entries);
        }
        if (bufferSize <= 0 || bufferSize > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("bufferSize must be in [1, " + MAX_BUFFER_SIZE + "]: " + bufferSize);
        }
        this.group = group;
        this.entries = entries;
        this.mask = entries - 1;
        this.bufferSize = bufferSize;
        Arena arena = Arena.ofAuto();
        this.ring = arena.allocate(entries * ENTRY_SIZE, PAGE); // the kernel wants it page-aligned
        this.buffers = arena.allocate((long) entries * bufferSize, PAGE);
        this.holds = new AtomicIntegerArray(entries);
        this.nextOffset = new int[entries];
        this.heldChanged = heldChanged;
        for (int bid = 0; bid < entries; bid++) {
            put(bid);
        }
        SHORT.setRelease(ring, TAIL_OFFSET, (short) tail);
    }

    /** The buffer group id. */
    public int group() {
        return group;
    }

    /** How many buffers the ring has. */
    public int entries() {
        return entries;
    }

    /** Bytes per buffer. */
    public int bufferSize() {
        return bufferSize;
    }

    /** The ring's memory, for registration (and for a test that plays the kernel). */
    MemorySegment ringMemory() {
        return ring;
    }

    /** The buffers' memory (for a test that plays the kernel). */
    MemorySegment bufferMemory() {
        return buffers;
    }

    /** Copies {@code length} bytes from buffer {@code bid} at {@code offset} into {@code dst} at {@code dstOffset}. */
    public void copy(int bid, int offset, MemorySegment dst, long dstOffset, int length) {
        MemorySegment.copy(buffers, (long) bid * bufferSize + offset, dst, dstOffset, length);
    }

    /**
     * Poller: a completion put {@code length} bytes in buffer {@code bid}; the chunk holds the buffer
     * until {@link #release}d. Call in completion order.
     *
     * @param kernelKeeps the completion carried {@code F_BUF_MORE}: the kernel goes on filling the
     *                    buffer after these bytes; else it is done with it (as {@link #kernelDone})
     * @return where in the buffer the bytes start
     */
    public int chunk(int bid, int length, boolean kernelKeeps) {
        int offset = nextOffset[bid];
        if (length <= 0 || offset + length > bufferSize) {
            throw new IllegalStateException("a receive of " + length + " bytes at " + offset + " of buffer "
                    + bid + " (" + bufferSize + " B): completions seen out of the kernel's order");
        }
        // The chunk's hold, less the kernel's when this was its last use: one atomic add, and the
        // kernel's hold (1) was still there, so the count cannot reach 0 here.
        nextOffset[bid] = kernelKeeps ? offset + length : 0;
        if (holds.getAndAdd(bid, kernelKeeps ? 2 : 1) < 2) {
            heldChanged.accept(1);
        }
        return offset;
    }

    /**
     * Poller: a completion without bytes named buffer {@code bid} and did not carry
     * {@code F_BUF_MORE}: the kernel is done with it.
     */
    public void kernelDone(int bid) {
        nextOffset[bid] = 0; // the kernel fills it again only once it is back, from its start
        drop(bid, 1);
    }

    /** A chunk of buffer {@code bid} was read or discarded; its bytes must have been copied out first. */
    public void release(int bid) {
        if (drop(bid, 2) < 2) {
            heldChanged.accept(-1);
        }
    }

    /** @return the holds left */
    private int drop(int bid, int n) {
        int left = holds.addAndGet(bid, -n);
        if (left == 0) {
            putBack(bid);
        } else if (left < 0) {
            throw new IllegalStateException("buffer " + bid + " released more often than held");
        }
        return left;
    }

    /** Hands buffer {@code bid} back to the kernel. */
    private void putBack(int bid) {
        lock.lock();
        try {
            put(bid);
            // Release: the entry written above is visible before the tail that covers it.
            SHORT.setRelease(ring, TAIL_OFFSET, (short) tail);
        } finally {
            lock.unlock();
        }
    }

    /** Writes buffer {@code bid}'s entry at the tail and advances the (local) tail. */
    private void put(int bid) {
        long entry = (tail & mask) * ENTRY_SIZE;
        ring.set(ValueLayout.JAVA_LONG, entry, buffers.address() + (long) bid * bufferSize);
        ring.set(ValueLayout.JAVA_INT, entry + 8, bufferSize);
        ring.set(ValueLayout.JAVA_SHORT, entry + 12, (short) bid);
        holds.set(bid, 1); // the kernel's, until a completion without F_BUF_MORE
        tail++;
    }

    @Override
    public String toString() {
        return entries + " x " + bufferSize + " B";
    }
}
