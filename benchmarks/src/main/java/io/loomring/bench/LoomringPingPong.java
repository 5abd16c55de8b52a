package io.loomring.bench;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.Stats;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The ping-pong on raw non-blocking pipe fds: each side tries its {@code read(2)}, and on
 * {@code EAGAIN} parks in {@link IoScheduler#awaitReadable(int)} and retries, the way a
 * blocking-style API built on Loomring reads. Buffers and errno capture segments are allocated once
 * per side, so the measured loop allocates nothing native.
 */
public final class LoomringPingPong extends PingPong {
    private final IoScheduler io;
    private final Arena arena = Arena.ofShared();
    // pipe 1 carries A -> B, pipe 2 carries B -> A
    private final int p1Read;
    private final int p1Write;
    private final int p2Read;
    private final int p2Write;
    private final MemorySegment bufA = arena.allocate(1);
    private final MemorySegment bufB = arena.allocate(1);
    private final MemorySegment errnoA = Native.newCaptureState(arena);
    private final MemorySegment errnoB = Native.newCaptureState(arena);

    /**
     * Opens two non-blocking pipes and a scheduler of its own on {@code backend}.
     *
     * @param carried true to run both sides on the scheduler's one carrier, false for ordinary
     *                virtual threads (the carriers then only poll)
     * @throws java.io.UncheckedIOException when the backend cannot start
     */
    public LoomringPingPong(Backend backend, boolean carried) throws IOException {
        IoScheduler scheduler;
        try {
            scheduler = IoScheduler.builder().backend(backend).carriers(carried ? 1 : 2).build();
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        int[] fds = new int[4];
        try {
            openPipe(fds, 0);
            openPipe(fds, 2);
        } catch (IOException | RuntimeException e) {
            for (int fd : fds) {
                if (fd > 0) {
                    LibC.close(errnoA, fd);
                }
            }
            scheduler.close();
            arena.close();
            throw e;
        }
        io = scheduler;
        p1Read = fds[0];
        p1Write = fds[1];
        p2Read = fds[2];
        p2Write = fds[3];
        if (carried && !io.carriesThreads()) {
            io.close();
            arena.close();
            throw new IllegalStateException("carried threads unavailable: " + io.carrierReason());
        }
        start("loomring-" + backend + (carried ? "-carried" : ""),
                carried ? io.threadFactory() : Thread.ofVirtual().factory());
    }

    /** The scheduler's counters (for the syscall probe). */
    public Stats stats() {
        return io.stats();
    }

    private void openPipe(int[] fds, int at) throws IOException {
        MemorySegment pair = arena.allocate(ValueLayout.JAVA_INT, 2);
        int r = LibC.pipe2(errnoA, pair, LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (r < 0) {
            throw new IOException("pipe2 failed: " + Errno.describe(-r));
        }
        fds[at] = pair.getAtIndex(ValueLayout.JAVA_INT, 0);
        fds[at + 1] = pair.getAtIndex(ValueLayout.JAVA_INT, 1);
    }

    @Override
    protected void ping() throws IOException {
        write(p1Write, bufA, errnoA);
        if (read(p2Read, bufA, errnoA) != 1) {
            throw new IOException("pipe 2 closed unexpectedly");
        }
    }

    @Override
    protected void echoUntilEof() throws IOException {
        while (read(p1Read, bufB, errnoB) == 1) {
            write(p2Write, bufB, errnoB);
        }
    }

    @Override
    protected void closePingSide() {
        LibC.close(errnoA, p1Write);
    }

    @Override
    protected void release() {
        try {
            LibC.close(errnoA, p1Read);
            LibC.close(errnoA, p2Read);
            LibC.close(errnoA, p2Write);
            io.close();
        } finally {
            arena.close();
        }
    }

    /** Reads one byte, parking on EAGAIN; returns 1, or 0 at end of file. */
    private long read(int fd, MemorySegment buf, MemorySegment errno) throws IOException {
        for (;;) {
            long n = LibC.read(errno, fd, buf, 1);
            if (n >= 0) {
                return n;
            }
            if (n != -Errno.EAGAIN) {
                throw new IOException("read failed: " + Errno.describe((int) -n));
            }
            io.awaitReadable(fd);
        }
    }

    /** Writes one byte, parking on EAGAIN (a full pipe; never the case in a ping-pong). */
    private void write(int fd, MemorySegment buf, MemorySegment errno) throws IOException {
        for (;;) {
            long n = LibC.write(errno, fd, buf, 1);
            if (n == 1) {
                return;
            }
            if (n != -Errno.EAGAIN) {
                throw new IOException("write failed: " + Errno.describe((int) -n));
            }
            io.awaitWritable(fd);
        }
    }
}
