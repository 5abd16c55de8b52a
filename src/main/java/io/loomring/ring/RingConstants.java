package io.loomring.ring;

/**
 * io_uring ABI constants from {@code include/uapi/linux/io_uring.h}: structure sizes and offsets,
 * opcodes, setup, enter and feature flags. The offsets <em>inside</em> the mapped rings are not here:
 * the kernel chooses them at setup and reports them in {@code io_uring_params} (see {@link RingOffsets}).
 */
public final class RingConstants {
    private RingConstants() {}

    // struct sizes
    public static final int SQE_SIZE = 64;
    public static final int CQE_SIZE = 16;
    public static final int PARAMS_SIZE = 120;

    // io_uring_params
    public static final long PARAMS_SQ_ENTRIES = 0;
    public static final long PARAMS_CQ_ENTRIES = 4;
    public static final long PARAMS_FLAGS = 8;
    public static final long PARAMS_FEATURES = 20;
    public static final long PARAMS_SQ_OFF = 40;
    public static final long PARAMS_CQ_OFF = 80;

    // io_uring_sqe
    public static final long SQE_OPCODE = 0;
    public static final long SQE_FLAGS = 1;
    /** {@code ioprio} (u16): a send's or receive's own flags, such as {@link #SEND_ZC_REPORT_USAGE}. */
    public static final long SQE_IOPRIO = 2;
    public static final long SQE_FD = 4;
    public static final long SQE_OFF = 8;
    public static final long SQE_ADDR = 16;
    public static final long SQE_LEN = 24;
    public static final long SQE_OP_FLAGS = 28;
    public static final long SQE_USER_DATA = 32;
    /** {@code buf_group} (u16, shares the word with {@code buf_index}): the provided-buffer group. */
    public static final long SQE_BUF_GROUP = 40;
    /**
     * {@code optlen} (u32, shares the word with {@code file_index}): for a multishot RECV (6.17)
     * the bytes after which it ends; older kernels refuse a non-zero value with EINVAL.
     */
    public static final long SQE_OPTLEN = 44;

    // io_uring_cqe
    public static final long CQE_USER_DATA = 0;
    public static final long CQE_RES = 8;
    public static final long CQE_FLAGS = 12;

    // mmap offsets
    public static final long OFF_SQ_RING = 0L;
    public static final long OFF_CQ_RING = 0x8000000L;
    public static final long OFF_SQES = 0x10000000L;

    // opcodes
    public static final byte OP_NOP = 0;
    /** {@code IORING_OP_READV}: preadv2(2); {@code off} -1 reads at the file position. */
    public static final byte OP_READV = 1;
    /** {@code IORING_OP_WRITEV}: pwritev2(2). */
    public static final byte OP_WRITEV = 2;
    /** {@code IORING_OP_FSYNC}: fsync(2), or fdatasync(2) with {@link #FSYNC_DATASYNC}. */
    public static final byte OP_FSYNC = 3;
    public static final byte OP_POLL_ADD = 6;
    public static final byte OP_POLL_REMOVE = 7;
    /** {@code IORING_OP_ACCEPT}: accept4(2); op-flags the accept flags, {@code ioprio} {@link #ACCEPT_MULTISHOT}. */
    public static final byte OP_ACCEPT = 13;
    public static final byte OP_ASYNC_CANCEL = 14;
    /** {@code IORING_OP_OPENAT}: openat(2); {@code addr} the path, {@code len} the mode. */
    public static final byte OP_OPENAT = 18;
    public static final byte OP_READ = 22;
    public static final byte OP_WRITE = 23;
    /** {@code IORING_OP_SEND}: send(2) through the ring. */
    public static final byte OP_SEND = 26;
    /** {@code IORING_OP_RECV}: recv(2) through the ring. */
    public static final byte OP_RECV = 27;
    /**
     * {@code IORING_OP_SEND_ZC} (6.0): a send whose pages the socket references instead of copying
     * them. Its first CQE carries the result and, when a notification follows, {@link #CQE_F_MORE};
     * the notification ({@link #CQE_F_NOTIF}, same user_data) says the kernel is done with the buffer.
     */
    public static final byte OP_SEND_ZC = 47;
    /** {@code IORING_OP_FTRUNCATE} (6.9): ftruncate(2), the length in {@code off}. */
    public static final byte OP_FTRUNCATE = 55;

    /** {@code IORING_FSYNC_DATASYNC}: an {@code FSYNC} that syncs data only. */
    public static final int FSYNC_DATASYNC = 1;

    /**
     * {@code IORING_SEND_ZC_REPORT_USAGE} (6.2; ioprio of a SEND_ZC): the notification's res says
     * whether the kernel copied after all ({@link #NOTIF_USAGE_ZC_COPIED}). Older kernels refuse it
     * with EINVAL.
     */
    public static final int SEND_ZC_REPORT_USAGE = 1 << 3;
    /** In a SEND_ZC notification's res (with {@link #SEND_ZC_REPORT_USAGE}): the data was copied, at least partly. */
    public static final int NOTIF_USAGE_ZC_COPIED = 1 << 31;

    // sqe flags
    public static final byte IOSQE_CQE_SKIP_SUCCESS = 1 << 6;
    /** {@code IOSQE_BUFFER_SELECT}: the kernel picks the buffer from the SQE's buffer group. */
    public static final byte IOSQE_BUFFER_SELECT = 1 << 5;
    /** {@code IOSQE_FIXED_FILE}: the SQE's fd is a slot of the ring's registered-file table. */
    public static final byte IOSQE_FIXED_FILE = 1;

    // recv/send ioprio flags
    /** {@code IORING_RECV_MULTISHOT} (6.0): one RECV posts a completion per arrival until it ends. */
    public static final short RECV_MULTISHOT = 1 << 1;
    /** {@code IORING_ACCEPT_MULTISHOT} (5.19, in an ACCEPT's ioprio): one completion per connection. */
    public static final short ACCEPT_MULTISHOT = 1;

    // setup flags
    public static final int SETUP_CQSIZE = 0x8;
    public static final int SETUP_CLAMP = 0x10;
    public static final int SETUP_SUBMIT_ALL = 0x80;
    public static final int SETUP_COOP_TASKRUN = 0x100;
    public static final int SETUP_TASKRUN_FLAG = 0x200;
    public static final int SETUP_SINGLE_ISSUER = 0x1000;
    public static final int SETUP_DEFER_TASKRUN = 0x2000;

    // features
    public static final int FEAT_SINGLE_MMAP = 0x1;
    public static final int FEAT_NODROP = 0x2;
    public static final int FEAT_EXT_ARG = 0x100;
    public static final int FEAT_NO_IOWAIT = 1 << 17;

    // enter flags
    public static final int ENTER_GETEVENTS = 0x1;
    public static final int ENTER_EXT_ARG = 0x8;
    public static final int ENTER_REGISTERED_RING = 0x10;
    public static final int ENTER_NO_IOWAIT = 0x80;

    // register opcodes
    /** {@code IORING_REGISTER_FILES} (5.1): a table of files; {@code -1} entries are empty slots (5.5). */
    public static final int REGISTER_FILES = 2;
    /** {@code IORING_REGISTER_FILES_UPDATE} (5.5): puts fds (or {@code -1}: empty) into slots, {@code io_uring_files_update}. */
    public static final int REGISTER_FILES_UPDATE = 6;
    public static final int REGISTER_RING_FDS = 20;
    /** {@code IORING_REGISTER_PROBE} (5.6): which opcodes this kernel supports. */
    public static final int REGISTER_PROBE = 8;
    /** {@code IORING_REGISTER_IOWQ_MAX_WORKERS} (5.15): io-wq's bounded and unbounded worker limits. */
    public static final int REGISTER_IOWQ_MAX_WORKERS = 19;
    /** {@code IORING_REGISTER_PBUF_RING} (5.19): a ring of provided buffers, {@code io_uring_buf_reg}. */
    public static final int REGISTER_PBUF_RING = 22;
    /** {@code IORING_UNREGISTER_PBUF_RING}. */
    public static final int UNREGISTER_PBUF_RING = 23;
    /** {@code IOU_PBUF_RING_INC} (6.12): the buffers of the ring are filled a receive at a time. */
    public static final int PBUF_RING_INC = 2;

    // sq ring flags
    public static final int SQ_NEED_WAKEUP = 1;
    public static final int SQ_CQ_OVERFLOW = 2;
    public static final int SQ_TASKRUN = 4;

    // cqe flags
    public static final int CQE_F_MORE = 2;
    /** {@code IORING_CQE_F_BUFFER}: the completion used a provided buffer, its id in the upper 16 bits. */
    public static final int CQE_F_BUFFER = 1;
    /** {@code IORING_CQE_BUFFER_SHIFT}. */
    public static final int CQE_BUFFER_SHIFT = 16;
    /** A SEND_ZC's notification CQE: the kernel no longer uses the send's buffer. */
    public static final int CQE_F_NOTIF = 8;
    /** {@code IORING_CQE_F_BUF_MORE} (6.12): the kernel keeps filling this completion's (incremental) buffer. */
    public static final int CQE_F_BUF_MORE = 16;

    /** The largest ring the kernel accepts (IORING_MAX_ENTRIES). */
    public static final int MAX_ENTRIES = 32768;
}
