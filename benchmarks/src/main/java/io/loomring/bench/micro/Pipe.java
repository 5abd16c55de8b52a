package io.loomring.bench.micro;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A non-blocking pipe for the micro-benchmarks, with a one-byte buffer per end. */
final class Pipe implements AutoCloseable {
    final int readFd;
    final int writeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readBuf = arena.allocate(1);
    private final MemorySegment writeBuf = arena.allocate(1);
    private final MemorySegment readErrno = Native.newCaptureState(arena);
    private final MemorySegment writeErrno = Native.newCaptureState(arena);

    Pipe() throws IOException {
        MemorySegment pair = arena.allocate(ValueLayout.JAVA_INT, 2);
        int r = LibC.pipe2(readErrno, pair, LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (r < 0) {
            arena.close();
            throw new IOException("pipe2 failed: " + Errno.describe(-r));
        }
        readFd = pair.getAtIndex(ValueLayout.JAVA_INT, 0);
        writeFd = pair.getAtIndex(ValueLayout.JAVA_INT, 1);
    }

    /** Writes one byte (from the writer's thread). */
    void signal() throws IOException {
        long n = LibC.write(writeErrno, writeFd, writeBuf, 1);
        if (n != 1) {
            throw new IOException("pipe write failed: " + n);
        }
    }

    /** Reads one byte (from the reader's thread); false if none was there. */
    boolean drain() throws IOException {
        long n = LibC.read(readErrno, readFd, readBuf, 1);
        if (n == 1) {
            return true;
        }
        if (n == -Errno.EAGAIN) {
            return false;
        }
        throw new IOException("pipe read failed: " + n);
    }

    @Override
    public void close() {
        LibC.close(readErrno, readFd);
        LibC.close(readErrno, writeFd);
        arena.close();
    }
}
