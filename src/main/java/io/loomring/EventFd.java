package io.loomring;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;

/**
 * A non-blocking eventfd ({@code eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)}): a kernel counter that
 * {@link #signal()} adds to and {@link #drain()} reads and resets. Its fd is readable while the
 * counter is above zero, so a virtual thread can await signals from any thread, or from native
 * code handed the fd, on an {@link IoScheduler}:
 *
 * <pre>{@code
 * try (EventFd events = EventFd.open()) {
 *     Thread.startVirtualThread(() -> {
 *         try {
 *             long n;
 *             while ((n = events.drain()) == 0) {           // 0: no signal yet
 *                 io.awaitReadable(events.fd());
 *             }
 *             // n signals arrived since the last drain
 *         } catch (IOException e) { ... }
 *     });
 *     events.signal();
 * }
 * }</pre>
 *
 * <p>Signals coalesce: several {@code signal()} calls before a {@code drain()} are read as their
 * sum, and wake an awaiting thread once.
 *
 * <h2>Ownership of the fd</h2>
 * This object owns the fd and closes it exactly once, on {@link #close()}. The number returned by
 * {@link #fd()} is valid until then; do not close it yourself. Calls after close throw
 * {@link ClosedChannelException}; a call racing with close either completes on the open fd or
 * throws, never reaches a reused fd number. Closing does not wake threads awaiting the fd on an
 * {@code IoScheduler}: call {@link IoScheduler#cancel(int)} first.
 *
 * <p>All methods are safe to call from any thread.
 */
public final class EventFd implements Closeable {
    /** The largest value the kernel's counter holds (2^64 - 2, unsigned). */
    private static final long MAX_COUNTER = 0xffff_ffff_ffff_fffeL;

    private final OwnedFd fd;

    private EventFd(int fd) {
        this.fd = new OwnedFd(fd, "EventFd");
    }

    /**
     * Creates an eventfd with its counter at zero, non-blocking and close-on-exec.
     *
     * @return the new eventfd
     * @throws IOException if {@code eventfd} fails (for example EMFILE: too many open files)
     */
    public static EventFd open() throws IOException {
        int r = LibC.eventfd(Native.threadCaptureState(), 0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (r < 0) {
            throw OwnedFd.failure("eventfd", r);
        }
        return new EventFd(r);
    }

    /**
     * The fd number, to await with {@link IoScheduler#awaitReadable(int)} or to hand to native code.
     * Valid until {@link #close()}; owned by this object.
     *
     * @return the fd number
     * @throws ClosedChannelException if closed
     */
    public int fd() throws ClosedChannelException {
        return fd.number();
    }

    /**
     * Adds one to the counter, making the fd readable.
     *
     * @throws ClosedChannelException if closed
     * @throws IOException            if the counter is full (see {@link #signal(long)})
     */
    public void signal() throws IOException {
        signal(1);
    }

    /**
     * The 8 bytes of a signal of 1, shared by every eventfd: write(2) only reads them, and a
     * selector's wakeup signals on the hot path, where an arena per call costs more than the call.
     */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    /**
     * Adds {@code n} to the counter without blocking.
     *
     * @param n how much to add, at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws ClosedChannelException   if closed
     * @throws IOException              if the counter would pass 2^64 - 2 (nothing is added then),
     *                                  or {@code write(2)} fails otherwise
     */
    public void signal(long n) throws IOException {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        int f = fd.begin();
        try (Arena arena = n == 1 ? null : Arena.ofConfined()) {
            MemorySegment buf = ONE;
            if (arena != null) {
                buf = arena.allocate(ValueLayout.JAVA_LONG);
                buf.set(ValueLayout.JAVA_LONG, 0, n);
            }
            long r = LibC.write(Native.threadCaptureState(), f, buf, 8);
            if (r == -Errno.EAGAIN) {
                throw new IOException("eventfd counter full: adding " + n + " would pass "
                        + Long.toUnsignedString(MAX_COUNTER));
            }
            if (r < 0) {
                throw OwnedFd.failure("write to eventfd", r);
            }
        } finally {
            fd.end();
        }
    }

    /**
     * Reads the counter and resets it to zero, without blocking.
     *
     * @return the sum of the signals since the last drain (an unsigned value), or 0 if there were none
     * @throws ClosedChannelException if closed
     * @throws IOException            if {@code read(2)} fails
     */
    public long drain() throws IOException {
        return fd.readCounter("read from eventfd");
    }

    /**
     * Whether the fd is open.
     *
     * @return true until {@link #close()}
     */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /**
     * Closes the fd (exactly once). Idempotent.
     *
     * @throws IOException if {@code close(2)} fails (the fd is released all the same)
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "EventFd[" + fd + "]";
    }
}
