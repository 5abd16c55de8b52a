package io.loomring.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, 5.19): {@code entries} buffers of
 * {@code bufferSize} bytes that the kernel picks from, one per multishot {@code RECV} completion,
 * and that the application hands back once it has copied their bytes out.
 *
 * <p>The ring is an array of {@code struct io_uring_buf} {addr u64, len u32, bid u16, resv u16};
 * the application is its producer: it writes an entry at {@code tail & mask} and then stores the
 * 16-bit tail (which overlays the first entry's {@code resv}, at byte 14) with <em>release</em>,
 * so a kernel that loads the tail with acquire sees the whole entry. The kernel consumes from its
 * own head and never writes the entries.
 *
 * <p>Buffers are handed back by whichever thread consumed them (the reading thread, on any carrier,
 * or a closing one, and the poller itself), so {@link #recycle} takes a {@link SpinLock}: the entry
 * and the tail are written by one producer at a time. A buffer must not be read once handed back:
 * the kernel may fill it at once.
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

    private final int group;
    private final int entries;
    private final int mask;
    private final int bufferSize;
    private final MemorySegment ring;
    private final MemorySegment buffers;
    private final SpinLock lock = new SpinLock();
    /** Entries added so far (mod 2^16 in the ring's tail); under {@link #lock}. */
    private int tail;

    /**
     * Allocates the ring and its buffers and puts every buffer in it; registering it with a ring
     * is {@link IoUring#registerBufferRing}'s.
     *
     * @param group      the buffer group id SQEs name
     * @param entries    a power of two, at most 32768
     * @param bufferSize bytes per buffer
     */
    public BufferRing(int group, int entries, int bufferSize) {
        if (entries <= 0 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries must be a power of two in [1, 32768]: " + entries);
        }
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
        }
        this.group = group;
        this.entries = entries;
        this.mask = entries - 1;
        this.bufferSize = bufferSize;
        Arena arena = Arena.ofAuto();
        this.ring = arena.allocate(entries * ENTRY_SIZE, PAGE); // the kernel wants it page-aligned
        this.buffers = arena.allocate((long) entries * bufferSize, PAGE);
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

    /** Hands buffer {@code bid} back to the kernel; its bytes must have been copied out first. */
    public void recycle(int bid) {
        if (bid < 0 || bid >= entries) {
            throw new IllegalArgumentException("no such buffer: " + bid);
        }
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
        tail++;
    }

    @Override
    public String toString() {
        return entries + " x " + bufferSize + " B";
    }
}
