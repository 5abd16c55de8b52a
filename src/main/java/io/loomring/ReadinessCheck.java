package io.loomring;

import static io.loomring.ffm.Poll.POLLERR;
import static io.loomring.ffm.Poll.POLLHUP;
import static io.loomring.ffm.Poll.POLLNVAL;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** A non-parking readiness check with {@code poll(2)}, for awaits with a zero timeout. */
final class ReadinessCheck {
    private ReadinessCheck() {}

    static boolean isReady(int fd, int events) throws IOException {
        int revents = revents(fd, events);
        if ((revents & POLLNVAL) != 0) {
            throw new IOException("cannot await fd " + fd + ": " + Errno.describe(Errno.EBADF));
        }
        return (revents & (events | POLLERR | POLLHUP)) != 0;
    }

    /** What {@code poll(2)} reports for {@code fd} right now ({@code revents}). */
    static int revents(int fd, int events) throws IOException {
        MemorySegment capture = Native.threadCaptureState();
        int r = LibC.pollNow(capture, fd, events);
        if (r < 0) {
            throw new IOException("poll(" + fd + ") failed: " + Errno.describe(-r));
        }
        return r;
    }
}
