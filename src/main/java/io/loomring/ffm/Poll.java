package io.loomring.ffm;

/**
 * {@code poll(2)} event bits, the one definition for every layer: readiness awaits, io_uring's
 * {@code POLL_ADD} (which takes the same mask) and the readiness check with {@code poll(2)}.
 */
public final class Poll {
    private Poll() {}

    /** Readable. */
    public static final int POLLIN = 0x001;
    /** Writable. */
    public static final int POLLOUT = 0x004;
    /** Error condition (reported whether asked for or not). */
    public static final int POLLERR = 0x008;
    /** Hung up (reported whether asked for or not). */
    public static final int POLLHUP = 0x010;
    /** Not an open fd. */
    public static final int POLLNVAL = 0x020;
}
