package io.loomring.poller;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The eventfd other threads write to wake a sleeping poller; the backend keeps a read of it in the
 * kernel object, so a signal ends the poller's kernel wait. Created and closed on the poller's
 * side; {@link #signal()} runs on any thread, but only inside the inbox's producer bracket, so the
 * fd is never closed under it.
 */
final class WakeupEventFd {
    /** Eight bytes holding 1: what a signal writes. Shared by all pollers, never freed. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);
    /**
     * Where every signal's errno goes, whatever the thread: nobody reads it (a signal that fails has
     * nothing to do), and a thread's own segment would be allocated at its first signal, which a
     * carried thread may send in the middle of its carrier's work (see {@code IoUringSyscalls}).
     */
    private static final MemorySegment SIGNAL_ERRNO = Native.newCaptureState(Arena.global());

    private final PollerCounters counters;
    /** Volatile: written by the poller's side, read by signalling threads. -1 when closed. */
    private volatile int fd = -1;

    WakeupEventFd(PollerCounters counters) {
        this.counters = counters;
    }

    /** Creates the eventfd and returns it. */
    int open() throws IOException {
        int r = LibC.eventfd(Native.threadCaptureState(), 0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (r < 0) {
            throw new IOException("eventfd failed: " + Errno.describe(-r));
        }
        fd = r;
        return r;
    }

    /** Wakes the poller: one eventfd write. */
    void signal() {
        counters.addShared(PollerCounters.WAKEUPS, 1);
        int f = fd;
        if (f >= 0) {
            LibC.write(SIGNAL_ERRNO, f, ONE, 8);
        }
    }

    /** Closes the eventfd, if open. */
    void close() {
        int f = fd;
        fd = -1;
        if (f >= 0) {
            LibC.close(Native.threadCaptureState(), f);
        }
    }
}
