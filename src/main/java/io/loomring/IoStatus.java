package io.loomring;

/**
 * The outcomes of an {@link IoRoute} call that are neither bytes nor an errno: they are returned,
 * not thrown, so a layer with exceptions of its own maps each once. They lie below every
 * {@code -errno} (errno values are under 4096), so one {@code int} carries bytes, {@code -errno}
 * or a status.
 */
public final class IoStatus {
    /** An await's outcome: the fd is ready (or in error, or hung up: the next call says which). */
    public static final int READY = 0;
    /** The timeout elapsed first; an operation moved no byte. */
    public static final int TIMED_OUT = -4097;
    /** The thread is interrupted (its interrupt status stays set); an operation moved no byte. */
    public static final int INTERRUPTED = -4098;
    /** {@link IoScheduler#cancel} was called for the fd. */
    public static final int CANCELLED = -4099;
    /** The scheduler is closed, or one of its pollers failed ({@link IoRoute#closedException()} says which). */
    public static final int CLOSED = -4100;

    private IoStatus() {}

    /**
     * True for {@link #TIMED_OUT}, {@link #INTERRUPTED}, {@link #CANCELLED} and {@link #CLOSED}.
     *
     * @param result what an {@link IoRoute} call returned
     * @return whether {@code result} is one of those statuses
     */
    public static boolean isStatus(int result) {
        return result <= TIMED_OUT && result >= CLOSED;
    }

    /**
     * True for {@code -errno}: negative, and not a status.
     *
     * @param result what an {@link IoRoute} call returned
     * @return whether {@code result} is a negated errno
     */
    public static boolean isErrno(int result) {
        return result < 0 && !isStatus(result);
    }
}
