package io.loomring.ring;

import static io.loomring.ring.RingConstants.*;

import io.loomring.ffm.Errno;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One io_uring instance: the ring fd, its mappings, and the two queues over them.
 *
 * <p>Create it on the thread that will submit (with SINGLE_ISSUER the kernel refuses submissions
 * from any other thread) and close it there. Setup asks for the newest useful flags first
 * (SUBMIT_ALL, SINGLE_ISSUER, DEFER_TASKRUN; for a ring with a moving submitter SUBMIT_ALL and,
 * if asked, COOP_TASKRUN with TASKRUN_FLAG) and drops them one by one while the kernel answers
 * EINVAL. NODROP, SINGLE_MMAP and EXT_ARG are required.
 */
public final class IoUring implements AutoCloseable {
    private static final int[] OPTIONAL_FLAG_SETS = {
        SETUP_SUBMIT_ALL | SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN,
        SETUP_SUBMIT_ALL | SETUP_SINGLE_ISSUER,
        SETUP_SUBMIT_ALL,
        0,
    };
    /** For a ring that more than one thread submits to, one after another: no single issuer. */
    private static final int[] OPTIONAL_FLAG_SETS_MOVING = {SETUP_SUBMIT_ALL, 0};
    /** The same, with completions posted at the submitter's next kernel entry instead of by interrupting it. */
    private static final int[] OPTIONAL_FLAG_SETS_MOVING_COOPERATIVE = {
        SETUP_SUBMIT_ALL | SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG,
        SETUP_SUBMIT_ALL,
        0,
    };
    private static final long GETEVENTS_ARG_SIZE = 24;

    private final IoUringSyscalls sys;
    private final Arena arena = Arena.ofShared();
    /**
     * errno of this ring's calls: its owner's thread makes them one at a time, perhaps as a carried
     * virtual thread, which must not allocate a segment of its own there (see {@link IoUringSyscalls}).
     */
    private final MemorySegment capture = Native.newCaptureState(arena);
    /** {@link #updateFile}'s argument, made once by {@link #registerFiles}: every update reuses it. */
    private MemorySegment fileUpdate;
    private final int ringFd;
    private final int setupFlags;
    private final int features;
    private final long ringAddress;
    private final long ringSize;
    private final long sqesAddress;
    private final long sqesSize;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final MemorySegment getEventsArg;
    private final MemorySegment timespec;
    private int enterFd;
    private int enterFlags;
    private boolean closed;

    /**
     * Sets up a ring with {@code entries} SQ entries and {@code 2 * entries} CQ entries.
     *
     * @throws IoUringUnavailableException when the kernel refuses or lacks a required feature
     */
    public IoUring(IoUringSyscalls sys, int entries) throws IoUringUnavailableException {
        this(sys, entries, false, false);
    }

    /**
     * Sets up a ring as {@link #IoUring(IoUringSyscalls, int)}; with {@code movingSubmitter} the
     * ring is driven by a virtual thread, whose submissions come from whichever platform thread
     * carries it at the time, so it asks for neither SINGLE_ISSUER nor DEFER_TASKRUN (both bind the
     * ring to one kernel task), and its fd must not be {@linkplain #registerRingFd registered}
     * (registration is per task too). With {@code cooperative} such a ring also asks for
     * COOP_TASKRUN and TASKRUN_FLAG (5.19+; dropped where the kernel refuses them).
     *
     * <p>Why: the kernel posts a completion of a ring without DEFER_TASKRUN through task work of
     * the thread that submitted the request. By default it interrupts that thread for it (an
     * inter-processor interrupt when the thread runs on another CPU, and a pass through the signal
     * code). With COOP_TASKRUN it does not interrupt a thread running in user space: the task
     * work runs at that thread's next entry into the kernel (a syscall, an interrupt, at the
     * latest the scheduler's next tick). A thread sleeping interruptibly (parked, or in a blocking
     * syscall) is still woken for it. TASKRUN_FLAG sets {@link RingConstants#SQ_TASKRUN} while task
     * work for the ring is pending, see {@link #taskRunPending()}.
     *
     * @throws IoUringUnavailableException when the kernel refuses or lacks a required feature
     */
    public IoUring(IoUringSyscalls sys, int entries, boolean movingSubmitter, boolean cooperative)
            throws IoUringUnavailableException {
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("ring entries must be in [1, " + MAX_ENTRIES + "]: " + entries);
        }
        this.sys = sys;
        MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
        long fd = -Errno.EINVAL;
        int flags = 0;
        try {
            int[] flagSets = !movingSubmitter ? OPTIONAL_FLAG_SETS
                    : cooperative ? OPTIONAL_FLAG_SETS_MOVING_COOPERATIVE : OPTIONAL_FLAG_SETS_MOVING;
            for (int optional : flagSets) {
                params.fill((byte) 0);
                flags = SETUP_CQSIZE | SETUP_CLAMP | optional;
                params.set(ValueLayout.JAVA_INT, PARAMS_CQ_ENTRIES, Math.max(2, entries * 2));
                params.set(ValueLayout.JAVA_INT, PARAMS_FLAGS, flags);
                fd = sys.setup(capture, entries, params);
                if (fd != -Errno.EINVAL) {
                    break;
                }
            }
            if (fd < 0) {
                throw new IoUringUnavailableException("io_uring_setup failed", (int) -fd);
            }
        } catch (IoUringUnavailableException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.ringFd = (int) fd;
        this.setupFlags = flags;
        this.features = params.get(ValueLayout.JAVA_INT, PARAMS_FEATURES);
        try {
            int required = FEAT_SINGLE_MMAP | FEAT_NODROP | FEAT_EXT_ARG;
            if ((features & required) != required) {
                throw new IoUringUnavailableException(String.format(
                        "io_uring lacks required features (have 0x%x, need SINGLE_MMAP|NODROP|EXT_ARG)",
                        features));
            }
            RingOffsets offsets = RingOffsets.fromParams(params);
            int sqEntries = params.get(ValueLayout.JAVA_INT, PARAMS_SQ_ENTRIES);
            int cqEntries = params.get(ValueLayout.JAVA_INT, PARAMS_CQ_ENTRIES);
            long size = Math.max(offsets.sqRingSize(sqEntries), offsets.cqRingSize(cqEntries));
            long ring = LibC.mmap(capture, size, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_SHARED | LibC.MAP_POPULATE, ringFd, OFF_SQ_RING);
            if (ring < 0) {
                throw new IoUringUnavailableException("mmap of the io_uring rings failed", (int) -ring);
            }
            long sqesBytes = (long) sqEntries * SQE_SIZE;
            long sqesAddr = LibC.mmap(capture, sqesBytes, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_SHARED | LibC.MAP_POPULATE, ringFd, OFF_SQES);
            if (sqesAddr < 0) {
                LibC.munmap(capture, ring, size);
                throw new IoUringUnavailableException("mmap of the io_uring SQEs failed", (int) -sqesAddr);
            }
            this.ringAddress = ring;
            this.ringSize = size;
            this.sqesAddress = sqesAddr;
            this.sqesSize = sqesBytes;
        } catch (IoUringUnavailableException | RuntimeException | Error e) {
            LibC.close(capture, ringFd);
            arena.close();
            throw e;
        }
        RingOffsets offsets = RingOffsets.fromParams(params);
        MemorySegment ringSegment = MemorySegment.ofAddress(ringAddress).reinterpret(ringSize);
        MemorySegment sqesSegment = MemorySegment.ofAddress(sqesAddress).reinterpret(sqesSize);
        this.sq = new SubmissionQueue(ringSegment, sqesSegment, offsets);
        this.cq = new CompletionQueue(ringSegment, offsets);
        this.getEventsArg = arena.allocate(GETEVENTS_ARG_SIZE, 8);
        this.timespec = arena.allocate(16, 8);
        this.enterFd = ringFd;
        this.enterFlags = (features & FEAT_NO_IOWAIT) != 0 ? ENTER_NO_IOWAIT : 0;
    }

    /** The submission queue. */
    public SubmissionQueue sq() {
        return sq;
    }

    /** The completion queue. */
    public CompletionQueue cq() {
        return cq;
    }

    /** The ring's fd. */
    public int fd() {
        return ringFd;
    }

    /** The setup flags the kernel accepted. */
    public int setupFlags() {
        return setupFlags;
    }

    /** The kernel's feature bits. */
    public int features() {
        return features;
    }

    /** True when completions only appear after {@code io_uring_enter(GETEVENTS)} (DEFER_TASKRUN). */
    public boolean deferTaskrun() {
        return (setupFlags & SETUP_DEFER_TASKRUN) != 0;
    }

    /**
     * True when the kernel has task work pending for this ring (TASKRUN_FLAG rings only): some
     * completions are not posted yet, and an {@link #enter} by the thread they wait for posts them.
     */
    public boolean taskRunPending() {
        return (setupFlags & SETUP_TASKRUN_FLAG) != 0 && (sq.flags() & SQ_TASKRUN) != 0;
    }

    /** The optional features in use, for logs: for example "SINGLE_ISSUER, DEFER_TASKRUN, registered ring fd". */
    public String describe() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if ((setupFlags & SETUP_SUBMIT_ALL) != 0) {
            parts.add("SUBMIT_ALL");
        }
        if ((setupFlags & SETUP_SINGLE_ISSUER) != 0) {
            parts.add("SINGLE_ISSUER");
        }
        if (deferTaskrun()) {
            parts.add("DEFER_TASKRUN");
        }
        if ((setupFlags & SETUP_COOP_TASKRUN) != 0) {
            parts.add("COOP_TASKRUN");
        }
        if (registeredRingFd()) {
            parts.add("registered ring fd");
        }
        parts.add(sq.entries() + " SQ / " + cq.entries() + " CQ entries");
        return String.join(", ", parts);
    }

    /** True when enter uses a registered ring fd. */
    public boolean registeredRingFd() {
        return (enterFlags & ENTER_REGISTERED_RING) != 0;
    }

    /**
     * Sets how many io-wq workers may run this ring's bounded work at once (5.15): disk reads and
     * writes the kernel cannot start without blocking, and every fsync. The kernel's default is
     * min(SQ entries, 4 x CPUs), 8 on two CPUs, which caps concurrent fsyncs (whose batching into
     * one journal commit is what makes many of them cheap) far below what a thread per request
     * asks for.
     *
     * @return false where the kernel refuses (the default stays)
     */
    public boolean limitWorkers(int bounded) {
        MemorySegment limits = arena.allocate(8, 4);
        limits.set(ValueLayout.JAVA_INT, 0, bounded);
        limits.set(ValueLayout.JAVA_INT, 4, 0); // 0: the unbounded limit stays as it is
        return sys.register(capture, ringFd, REGISTER_IOWQ_MAX_WORKERS, limits, 2) >= 0;
    }

    /**
     * Asks the kernel whether it supports {@code opcode} ({@code IORING_REGISTER_PROBE}, 5.6): an
     * unknown opcode is otherwise only found out when a request fails with EINVAL.
     *
     * @return false where the kernel lacks the opcode or refuses the probe
     */
    public boolean supportsOpcode(int opcode) {
        // struct io_uring_probe: last_op (u8), ops_len (u8), 14 reserved bytes, then 256 entries of
        // struct io_uring_probe_op {u8 op, u8 resv, u16 flags, u32 resv2}.
        MemorySegment probe = arena.allocate(16 + 256 * 8, 8);
        if (sys.register(capture, ringFd, REGISTER_PROBE, probe, 256) < 0) {
            return false;
        }
        int lastOp = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, 0));
        int opsLen = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, 1));
        if (opcode > lastOp || opcode >= opsLen) {
            return false;
        }
        short flags = probe.get(ValueLayout.JAVA_SHORT, 16 + opcode * 8L + 2);
        return (flags & 1) != 0; // IO_URING_OP_SUPPORTED
    }

    /**
     * Registers the ring fd with the calling thread (saves an fd lookup per enter). Only the
     * registering thread may enter afterwards.
     *
     * @return true when the kernel accepted it (5.18+)
     */
    public boolean registerRingFd() {
        MemorySegment update = arena.allocate(16, 8);
        update.set(ValueLayout.JAVA_INT, 0, -1); // offset: let the kernel pick
        update.set(ValueLayout.JAVA_LONG, 8, ringFd);
        long r = sys.register(capture, ringFd, REGISTER_RING_FDS, update, 1);
        if (r != 1) {
            return false;
        }
        enterFd = update.get(ValueLayout.JAVA_INT, 0);
        enterFlags |= ENTER_REGISTERED_RING;
        return true;
    }

    /**
     * Registers {@code buffers} with this ring (5.19); the calling thread must be the submitter.
     *
     * @param incremental the kernel fills each buffer a receive at a time ({@code IOU_PBUF_RING_INC},
     *                    6.12), see {@link BufferRing}
     * @return 0, or the kernel's {@code -errno} ({@code -EINVAL} before 5.19, or before 6.12 when
     *         incremental)
     */
    public long registerBufferRing(BufferRing buffers, boolean incremental) {
        MemorySegment reg = arena.allocate(40, 8); // struct io_uring_buf_reg
        reg.set(ValueLayout.JAVA_LONG, 0, buffers.ringMemory().address());
        reg.set(ValueLayout.JAVA_INT, 8, buffers.entries());
        reg.set(ValueLayout.JAVA_SHORT, 12, (short) buffers.group());
        reg.set(ValueLayout.JAVA_SHORT, 14, (short) (incremental ? PBUF_RING_INC : 0));
        long r = sys.register(capture, ringFd, REGISTER_PBUF_RING, reg, 1);
        return r < 0 ? r : 0;
    }

    /** Unregisters buffer group {@code group}: the kernel picks no more buffers from it. */
    public void unregisterBufferRing(int group) {
        MemorySegment reg = arena.allocate(40, 8);
        reg.set(ValueLayout.JAVA_SHORT, 12, (short) group);
        sys.register(capture, ringFd, UNREGISTER_PBUF_RING, reg, 1);
    }

    /**
     * Registers a table of {@code slots} empty file slots ({@code IORING_REGISTER_FILES} with
     * {@code -1} entries, 5.5); the calling thread must be the submitter. Slots are then filled and
     * emptied one at a time with {@link #updateFile}.
     *
     * @return 0, or the kernel's {@code -errno} ({@code -EMFILE} above {@code RLIMIT_NOFILE})
     */
    public long registerFiles(int slots) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment fds = scratch.allocate(4L * slots, 4);
            fds.fill((byte) -1); // every int -1: an empty slot
            long r = sys.register(capture, ringFd, REGISTER_FILES, fds, slots);
            if (r >= 0) {
                fileUpdate = arena.allocate(24, 8); // struct io_uring_files_update, then the fd
            }
            return r < 0 ? r : 0;
        }
    }

    /**
     * Puts {@code fd} into slot {@code slot} of the table {@link #registerFiles} made, or empties it
     * ({@code fd} -1): the table's reference to the file it held is dropped once no request in
     * flight uses it. The calling thread must be the submitter.
     *
     * @return 0, or the kernel's {@code -errno}
     */
    public long updateFile(int slot, int fd) {
        MemorySegment u = fileUpdate;
        u.set(ValueLayout.JAVA_INT, 0, slot);                  // offset
        u.set(ValueLayout.JAVA_INT, 4, 0);                     // resv
        u.set(ValueLayout.JAVA_INT, 16, fd);
        u.set(ValueLayout.JAVA_LONG, 8, u.address() + 16);     // fds: the one int after the struct
        long r = sys.register(capture, ringFd, REGISTER_FILES_UPDATE, u, 1);
        return r < 0 ? r : 0;
    }

    /**
     * {@code io_uring_enter}: submits {@code toSubmit} entries and, with {@code minComplete > 0},
     * waits for that many completions. GETEVENTS is always set, so DEFER_TASKRUN work runs.
     *
     * @return what the kernel returned: entries consumed, or {@code -errno} (EINTR, EBADR, ...)
     */
    public long enter(int toSubmit, int minComplete) {
        return sys.enter(capture, enterFd, toSubmit, minComplete, enterFlags | ENTER_GETEVENTS,
                MemorySegment.NULL, 0);
    }

    /**
     * Like {@link #enter} but waits at most {@code timeoutNanos} (EXT_ARG with a relative timespec).
     *
     * @return entries consumed, or {@code -errno}; {@code -ETIME} when the wait timed out
     */
    public long enterTimed(int toSubmit, int minComplete, long timeoutNanos) {
        timespec.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        timespec.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        getEventsArg.set(ValueLayout.JAVA_LONG, 0, 0L);     // sigmask
        getEventsArg.set(ValueLayout.JAVA_INT, 8, 8);       // sigmask_sz (_NSIG / 8)
        getEventsArg.set(ValueLayout.JAVA_INT, 12, 0);      // pad / min_wait_usec
        getEventsArg.set(ValueLayout.JAVA_LONG, 16, timespec.address());
        return sys.enter(capture, enterFd, toSubmit, minComplete, enterFlags | ENTER_GETEVENTS | ENTER_EXT_ARG,
                getEventsArg, GETEVENTS_ARG_SIZE);
    }

    /** The segment this ring's calls capture errno in, for other calls its owner makes on the poller's behalf. */
    public MemorySegment capture() {
        return capture;
    }

    /** Unmaps the rings and closes the ring fd (which also unregisters it). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.munmap(capture, sqesAddress, sqesSize);
        LibC.munmap(capture, ringAddress, ringSize);
        LibC.close(capture, ringFd);
        arena.close();
    }
}
