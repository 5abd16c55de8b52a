package io.loomring.poller;

/**
 * A ring operation and its result: a {@code RECV} or {@code SEND} with its buffer, or a file
 * operation ({@code READ}, {@code WRITE}, their vectored forms, {@code FSYNC}, {@code FTRUNCATE},
 * {@code OPENAT}) with its offset and flags. Its completion
 * carries bytes, and the kernel may still be using its buffer until then, so only its final
 * completion decides its outcome (or closing the poller, which first cancels and reaps it): a
 * timeout or an interrupt asks for it to be cancelled and the completion that follows, bytes
 * or {@code -ECANCELED}, is the result, delivered exactly once.
 */
public abstract sealed class Operation extends Completion
        permits RingOperation, BackgroundOperation, Multishot {
    private final byte opcode;
    private final long address;
    private final int length;
    /** The SQE's {@code off} field: a file offset ({@code -1}: the file position), or 0. */
    private final long offset;
    /** The SQE's op-flags word (fsync, open or recv/send flags); a SEND's flags are the backend's. */
    private final int opFlags;
    /**
     * A send that may go as {@code SEND_ZC}: whoever started it keeps its buffer untouched until
     * its outcome is decided, and no timeout limits the wait for that (see
     * {@code poller.uring.ZeroCopySends}).
     */
    private final boolean mayZeroCopy;
    /** The CQE result, written before the CAS to READY (which publishes it). */
    private int result;
    /** The socket's registered-file place, set before the start; null for an fd nobody releases. */
    private FixedFile fixedFile;

    /** Poller-owned: an ASYNC_CANCEL for this operation is in the ring (ask only once). */
    boolean cancelSubmitted;
    /**
     * Poller-owned, then read by the waiting thread after the outcome: {@code cancel(fd)} cancelled
     * it. Written before the final completion's CAS, so the reader sees it.
     */
    boolean cancelledByFd;
    /** Poller-owned: where a {@code SEND_ZC} of this operation stands (a backend's stage constant). */
    byte zeroCopyStage;
    /** Poller-owned: a {@code SEND_ZC}'s first CQE result, kept until its notification decides. */
    int zeroCopyResult;

    Operation(int fd, byte opcode, long address, int length, long offset, int opFlags, boolean mayZeroCopy) {
        super(fd);
        this.mayZeroCopy = mayZeroCopy;
        this.opcode = opcode;
        this.address = address;
        this.length = length;
        this.offset = offset;
        this.opFlags = opFlags;
    }

    /** The opcode (one of {@code RingConstants.OP_*}). */
    public final byte opcode() {
        return opcode;
    }

    /** The buffer's address. */
    public final long address() {
        return address;
    }

    /** The buffer's length. */
    public final int length() {
        return length;
    }

    /** The SQE's {@code off}: a file offset, {@code -1} for the file position, or 0. */
    public final long offset() {
        return offset;
    }

    /** The SQE's op-flags word. */
    public final int opFlags() {
        return opFlags;
    }

    /** True when the backend may send it as {@code SEND_ZC} (see the field). */
    public final boolean mayZeroCopy() {
        return mayZeroCopy;
    }

    /** The result (bytes, or a negative errno), once {@link #READY}. */
    public final int result() {
        return result;
    }

    /**
     * Before the start: the fd belongs to a socket whose owner {@linkplain FixedFile#release releases}
     * {@code file} before closing it, so a carrier's ring may run this operation on a registered file.
     *
     * @return this operation
     */
    public final Operation onFixedFile(FixedFile file) {
        this.fixedFile = file;
        return this;
    }

    /** The socket's registered-file place, or null (the plain fd only). */
    public final FixedFile fixedFile() {
        return fixedFile;
    }

    /** True when {@code cancel(fd)} cancelled it (read once the outcome is decided). */
    public final boolean isCancelledByFd() {
        return cancelledByFd;
    }

    /** Poller: decides the outcome from the final completion. */
    public final boolean completeOperation(int res) {
        this.result = res;
        return complete(READY);
    }
}
