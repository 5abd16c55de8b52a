package io.loomring;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fd owned by a {@link Pipe}, {@link EventFd} or {@link TimerFd}, closed exactly once.
 *
 * <p>The syscalls made on it are non-blocking, so close need not wait for them: each runs between
 * {@link #begin()} and {@link #end()}, which count it in {@code state} along with a {@code CLOSING}
 * bit. {@link #close()} sets the bit; whoever brings the state to "closing, nothing in flight" —
 * close itself, or the last {@code end} — calls {@code close(2)}. A call that starts after close
 * began gets {@link ClosedChannelException}, so no call can land on a reused fd number.
 */
final class OwnedFd {
    private static final int CLOSING = 1 << 30;

    private final int fd;
    /** What owns the fd, for the message of a {@link ClosedFdException}. */
    private final String owner;
    private final AtomicInteger state = new AtomicInteger();

    /** @param owner what owns the fd, for example "Pipe read end" */
    OwnedFd(int fd, String owner) {
        this.fd = fd;
        this.owner = owner;
    }

    private ClosedFdException closed() {
        return new ClosedFdException(owner + " (fd " + fd + ")");
    }

    /** The fd number, while open. */
    int number() throws ClosedChannelException {
        if ((state.get() & CLOSING) != 0) {
            throw closed();
        }
        return fd;
    }

    boolean isOpen() {
        return (state.get() & CLOSING) == 0;
    }

    /** Registers a call in flight and returns the fd number for it. */
    int begin() throws ClosedChannelException {
        for (;;) {
            int v = state.get();
            if ((v & CLOSING) != 0) {
                throw closed();
            }
            if (state.compareAndSet(v, v + 1)) {
                return fd;
            }
        }
    }

    /** Ends a call; the last one to leave after close began closes the fd. */
    void end() {
        if (state.decrementAndGet() == CLOSING) {
            LibC.close(Native.threadCaptureState(), fd); // close() has returned already: nobody to tell
        }
    }

    /**
     * Starts closing; closes the fd now unless a call is in flight (then its {@code end} does).
     * Idempotent.
     *
     * @throws IOException if {@code close(2)} reports an error other than EINTR (the fd is released
     *                     all the same)
     */
    void close() throws IOException {
        int before = state.getAndUpdate(v -> v | CLOSING);
        if (before != 0) {
            return; // already closing, or a call in flight will close it
        }
        int r = LibC.close(Native.threadCaptureState(), fd);
        if (r < 0 && -r != Errno.EINTR) {
            throw new IOException("close(" + fd + ") failed: " + Errno.message(-r));
        }
    }

    /**
     * Reads the 8-byte counter of an eventfd or timerfd, which resets it: the count, or 0 where the
     * counter is zero (EAGAIN).
     */
    long readCounter(String what) throws IOException {
        int fd = begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(ValueLayout.JAVA_LONG);
            long n = LibC.read(Native.threadCaptureState(), fd, buf, 8);
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n < 0) {
                throw failure(what, n);
            }
            return buf.get(ValueLayout.JAVA_LONG, 0);
        } finally {
            end();
        }
    }

    /** The IOException for a failed syscall: {@code "what failed: text (NAME)"}. */
    static IOException failure(String what, long negativeErrno) {
        return new IOException(what + " failed: " + Errno.message((int) -negativeErrno));
    }

    @Override
    public String toString() {
        return isOpen() ? "fd=" + fd : "closed";
    }
}
