package io.loomring.ring;

import static io.loomring.ring.RingConstants.SQE_SIZE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The application side of the submission queue, over memory handed to it (the kernel's mapping, or
 * an ordinary segment when a test plays the kernel).
 *
 * <p>Ordering, as the kernel documents it in {@code io_uring/io_uring.c}: the application writes the
 * SQE and its index-array slot, then stores the SQ tail with <em>release</em>, so a kernel that
 * loads the tail with acquire sees complete entries. The SQ head is written by the kernel as it
 * consumes entries; the application loads it with <em>acquire</em> before reusing a slot.
 *
 * <p>Not thread-safe: one thread (the poller) owns the queue.
 */
public final class SubmissionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final long arrayOffset;
    private final int mask;
    private final int entries;
    /** Next slot to fill; entries in [published tail, localTail) are prepared but not yet visible. */
    private int localTail;

    /**
     * @param ring    the SQ ring (head, tail, mask, entries, flags, index array)
     * @param sqes    the SQE array, {@code entries * 64} bytes
     * @param offsets where the fields sit inside {@code ring}
     */
    public SubmissionQueue(MemorySegment ring, MemorySegment sqes, RingOffsets offsets) {
        this.ring = ring;
        this.sqes = sqes;
        this.headOffset = offsets.sqHead();
        this.tailOffset = offsets.sqTail();
        this.flagsOffset = offsets.sqFlags();
        this.arrayOffset = offsets.sqArray();
        this.mask = ring.get(ValueLayout.JAVA_INT, offsets.sqMask());
        this.entries = ring.get(ValueLayout.JAVA_INT, offsets.sqEntries());
        this.localTail = (int) INT.getAcquire(ring, tailOffset); // acquire: as every read of a kernel-shared index
    }

    /** Number of SQ slots. */
    public int entries() {
        return entries;
    }

    /** Slots that can be filled before the kernel consumes more. */
    public int free() {
        // Acquire: pairs with the kernel's release store of the head (slots below it are consumed).
        return entries - (localTail - (int) INT.getAcquire(ring, headOffset));
    }

    /**
     * Claims the next slot, zeroes all 64 bytes of its SQE (the kernel rejects POLL_ADD with stray
     * addr/off/buf_index and POLL_REMOVE with stray poll events) and fills the common fields.
     *
     * @return false when the queue is full: publish, submit, and try again
     */
    public boolean prepare(byte opcode, int fd, long addr, int len, int opFlags, long userData) {
        return prepare(opcode, fd, addr, len, 0L, opFlags, userData);
    }

    /**
     * As {@link #prepare(byte, int, long, int, int, long)}, with the SQE's {@code off} word (a file
     * offset, or {@code -1} for the file position; {@code FTRUNCATE}'s length).
     */
    public boolean prepare(byte opcode, int fd, long addr, int len, long off, int opFlags, long userData) {
        // Acquire: pairs with the kernel's release store of the head, so the kernel has finished
        // reading a slot below it before it is zeroed and filled again here.
        int head = (int) INT.getAcquire(ring, headOffset);
        if (localTail - head >= entries) {
            return false;
        }
        int index = localTail & mask;
        long sqe = (long) index * SQE_SIZE;
        for (long o = 0; o < SQE_SIZE; o += 8) {
            sqes.set(LONG, sqe + o, 0L);
        }
        sqes.set(ValueLayout.JAVA_BYTE, sqe + RingConstants.SQE_OPCODE, opcode);
        sqes.set(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_FD, fd);
        sqes.set(LONG, sqe + RingConstants.SQE_OFF, off);
        sqes.set(LONG, sqe + RingConstants.SQE_ADDR, addr);
        sqes.set(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_LEN, len);
        sqes.set(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_OP_FLAGS, opFlags);
        sqes.set(LONG, sqe + RingConstants.SQE_USER_DATA, userData);
        ring.set(ValueLayout.JAVA_INT, arrayOffset + 4L * index, index);
        localTail++;
        return true;
    }

    /** Oneshot {@code POLL_ADD} of {@code events} on {@code fd}. */
    public boolean pollAdd(int fd, int events, long userData) {
        return prepare(RingConstants.OP_POLL_ADD, fd, 0L, 0, events, userData);
    }

    /** {@code POLL_REMOVE} of the poll whose user_data is {@code target}. */
    public boolean pollRemove(long target, long userData) {
        return prepare(RingConstants.OP_POLL_REMOVE, -1, target, 0, 0, userData);
    }

    /** {@code ASYNC_CANCEL} of the request whose user_data is {@code target}. */
    public boolean cancel(long target, long userData) {
        return prepare(RingConstants.OP_ASYNC_CANCEL, -1, target, 0, 0, userData);
    }

    /** {@code READ} of {@code len} bytes at {@code address} from {@code fd} at the current position. */
    public boolean read(int fd, long address, int len, long userData) {
        if (!prepare(RingConstants.OP_READ, fd, address, len, 0, userData)) {
            return false;
        }
        // off = -1: use (and advance) the file position, as read(2) does; required for pipes/eventfds.
        sqes.set(LONG, (long) ((localTail - 1) & mask) * SQE_SIZE + RingConstants.SQE_OFF, -1L);
        return true;
    }

    /**
     * Multishot {@code RECV} on {@code fd} into buffers the kernel picks from provided-buffer group
     * {@code group}: one completion per arrival (each naming its buffer) until the request ends,
     * at the latest once it has received {@code limit} bytes (0: no limit; 6.17+).
     */
    public boolean receiveMultishot(int fd, int group, int limit, long userData) {
        if (!prepare(RingConstants.OP_RECV, fd, 0L, 0, 0, userData)) {
            return false;
        }
        long sqe = (long) ((localTail - 1) & mask) * SQE_SIZE;
        sqes.set(ValueLayout.JAVA_BYTE, sqe + RingConstants.SQE_FLAGS, RingConstants.IOSQE_BUFFER_SELECT);
        sqes.set(ValueLayout.JAVA_SHORT, sqe + RingConstants.SQE_IOPRIO, RingConstants.RECV_MULTISHOT);
        sqes.set(ValueLayout.JAVA_SHORT, sqe + RingConstants.SQE_BUF_GROUP, (short) group);
        sqes.set(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_OPTLEN, limit);
        return true;
    }

    /**
     * Multishot {@code ACCEPT} on listening socket {@code fd}: one completion per connection
     * accepted (its result the new fd, made with {@code acceptFlags}) until the request ends. No
     * address is asked for (a multishot accept cannot have one).
     */
    public boolean acceptMultishot(int fd, int acceptFlags, long userData) {
        if (!prepare(RingConstants.OP_ACCEPT, fd, 0L, 0, acceptFlags, userData)) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_SHORT, (long) ((localTail - 1) & mask) * SQE_SIZE + RingConstants.SQE_IOPRIO,
                RingConstants.ACCEPT_MULTISHOT);
        return true;
    }

    /**
     * {@code SEND_ZC} of {@code len} bytes at {@code address} on {@code fd}: {@code msgFlags} in the
     * op-flags word, {@code zcFlags} (such as {@link RingConstants#SEND_ZC_REPORT_USAGE}) in ioprio.
     *
     * @param opcode {@link RingConstants#OP_SEND_ZC} (a test may pass one the kernel does not define)
     */
    public boolean sendZeroCopy(byte opcode, int fd, long address, int len, int msgFlags, int zcFlags,
                                long userData) {
        if (!prepare(opcode, fd, address, len, msgFlags, userData)) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_SHORT, (long) ((localTail - 1) & mask) * SQE_SIZE + RingConstants.SQE_IOPRIO,
                (short) zcFlags);
        return true;
    }

    /**
     * Turns the entry prepared last into one on a registered file: its fd field becomes
     * {@code slot} of the ring's file table, and the kernel looks no fd up for it.
     */
    public void useFixedFile(int slot) {
        long sqe = (long) ((localTail - 1) & mask) * SQE_SIZE;
        sqes.set(ValueLayout.JAVA_INT, sqe + RingConstants.SQE_FD, slot);
        byte flags = sqes.get(ValueLayout.JAVA_BYTE, sqe + RingConstants.SQE_FLAGS);
        sqes.set(ValueLayout.JAVA_BYTE, sqe + RingConstants.SQE_FLAGS, (byte) (flags | RingConstants.IOSQE_FIXED_FILE));
    }

    /**
     * Makes every prepared entry visible to the kernel (release store of the tail).
     *
     * @return how many entries the kernel has not consumed yet (the {@code to_submit} for enter)
     */
    public int publish() {
        // Release: the SQEs and index-array slots written by prepare() are visible before the new
        // tail, which the kernel loads with acquire.
        INT.setRelease(ring, tailOffset, localTail);
        return localTail - (int) INT.getAcquire(ring, headOffset); // acquire: as in free()
    }

    /** The SQ flags word (NEED_WAKEUP, CQ_OVERFLOW, TASKRUN), read with acquire. */
    public int flags() {
        return (int) INT.getAcquire(ring, flagsOffset); // acquire: flags the kernel sets
    }
}
