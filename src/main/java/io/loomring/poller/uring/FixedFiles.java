package io.loomring.poller.uring;

import io.loomring.ffm.Errno;
import io.loomring.poller.FixedFile;
import io.loomring.poller.Operation;
import io.loomring.poller.Poller;
import io.loomring.poller.PollerCounters;
import io.loomring.ring.IoUring;

/**
 * One carrier ring's registered-file table ({@code IORING_REGISTER_FILES}, {@code IOSQE_FIXED_FILE}),
 * when asked for: a socket's operations then skip the kernel's fd lookup and the reference count
 * on the file it takes and drops for each request.
 *
 * <p>The table is registered, all slots empty, when the ring opens (its kernel memory is 8 bytes a
 * slot, nothing in the process). A socket takes a free slot at its first operation
 * in this ring ({@link FixedFile#claim}; one {@code io_uring_register} call) and keeps it until its
 * owner closes it ({@link #release}; another). Where every slot is taken, or another ring holds
 * the socket, or the operation carries no {@link FixedFile}, it uses the plain fd. A kernel that
 * refuses the table (before 5.5; or {@code RLIMIT_NOFILE} below the slot count) leaves every
 * operation on plain fds. Poller thread only.
 */
final class FixedFiles {
    private final int capacity;
    private final PollerCounters counters;
    /** Free slots, a stack: the most recently emptied one is reused first. */
    private int[] free;
    private int freeCount;
    /** The kernel's answer to the table: 0, or why it refused it (then {@link #free} stays null). */
    private long refusal;

    /** @param capacity slots per ring; 0 turns registered files off */
    FixedFiles(int capacity, PollerCounters counters) {
        this.capacity = capacity;
        this.counters = counters;
    }

    /** For the backend's reason: whether files are registered, and how many slots. */
    String describe() {
        if (capacity == 0) {
            return "";
        }
        if (free == null) {
            return ", registered files refused: " + Errno.describe((int) -refusal);
        }
        return ", registered files, " + capacity + " slots";
    }

    /**
     * The slot {@code op} runs on in {@code ring}, claiming one for its socket if it has none yet,
     * or -1 for the plain fd.
     */
    int slotOf(Operation op, Poller poller, IoUring ring) {
        FixedFile file = op.fixedFile();
        if (file == null || free == null) { // no file to register, or no table (off, or refused)
            return -1;
        }
        if (file.heldBy(poller)) {
            return file.slot();
        }
        if (!file.unclaimed() || freeCount == 0) {
            return -1;
        }
        int slot = free[freeCount - 1];
        if (!file.claim(poller, slot)) {
            return -1;
        }
        if (ring.updateFile(slot, op.fd()) < 0) {
            file.unclaim(); // the kernel refused this fd (closed under a misbehaving owner): plain fd
            return -1;
        }
        freeCount--;
        counters.add(PollerCounters.FIXED_FILES, 1);
        return slot;
    }

    /** Empties {@code file}'s slot: its socket is closing. */
    void release(FixedFile file, Poller poller, IoUring ring) {
        if (!file.heldBy(poller)) {
            return;
        }
        int slot = file.slot();
        // An empty slot drops the table's reference to the file; requests in flight keep their own.
        ring.updateFile(slot, -1);
        file.unclaim();
        free[freeCount++] = slot;
        counters.add(PollerCounters.FIXED_FILES, -1);
    }

    /** The ring opened: registers the table, when asked for. */
    void open(IoUring ring) {
        if (capacity == 0) {
            return;
        }
        refusal = ring.registerFiles(capacity);
        if (refusal == 0) {
            free = new int[capacity];
            for (int i = 0; i < capacity; i++) {
                free[i] = capacity - 1 - i; // slot 0 on top
            }
            freeCount = capacity;
        }
    }
}
