package io.loomring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import static io.loomring.ffm.Poll.POLLERR;
import static io.loomring.ffm.Poll.POLLHUP;
import static io.loomring.ffm.Poll.POLLNVAL;

import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** A non-parking readiness check with {@code poll(2)}, for awaits with a zero timeout. */
final class ReadinessCheck {
    private ReadinessCheck() {}

    private static final MethodHandle POLL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("poll"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
            Linker.Option.captureCallState("errno"));

    static boolean isReady(int fd, int events) throws IOException {
        int revents = revents(fd, events);
        if ((revents & POLLNVAL) != 0) {
            throw new IOException("cannot await fd " + fd + ": " + Errno.describe(Errno.EBADF));
        }
        return (revents & (events | POLLERR | POLLHUP)) != 0;
    }

    /** What {@code poll(2)} reports for {@code fd} right now ({@code revents}). */
    static int revents(int fd, int events) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.newCaptureState(arena);
            MemorySegment pollfd = arena.allocate(8, 4);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, (short) events);
            int r;
            try {
                r = (int) POLL.invokeExact(capture, pollfd, 1L, 0);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (r < 0) {
                throw new IOException("poll(" + fd + ") failed: " + Errno.describe(Native.errno(capture)));
            }
            return pollfd.get(JAVA_SHORT, 6) & 0xFFFF;
        }
    }
}
