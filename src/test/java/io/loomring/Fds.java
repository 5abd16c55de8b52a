package io.loomring;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Real fds for tests: non-blocking pipes and eventfds, raw reads and writes. */
public final class Fds {
    private Fds() {}

    /** A non-blocking pipe: {@code [readEnd, writeEnd]}. */
    public static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(8, 4);
            check("pipe2", LibC.pipe2(Native.threadCaptureState(), fds, LibC.O_NONBLOCK | LibC.O_CLOEXEC));
            return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
        }
    }

    /** A blocking pipe (reads and writes block the calling OS thread): {@code [readEnd, writeEnd]}. */
    public static int[] blockingPipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(8, 4);
            check("pipe2", LibC.pipe2(Native.threadCaptureState(), fds, LibC.O_CLOEXEC));
            return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
        }
    }

    /** A non-blocking pipe that closes both ends on {@link #close()}. */
    public record Pipe(int readEnd, int writeEnd) implements AutoCloseable {
        /** Opens a new pipe. */
        public static Pipe open() {
            int[] fds = pipe();
            return new Pipe(fds[0], fds[1]);
        }

        /** {@code [readEnd, writeEnd]}. */
        public int[] fds() {
            return new int[] {readEnd, writeEnd};
        }

        @Override
        public void close() {
            Fds.close(readEnd, writeEnd);
        }
    }

    /** A non-blocking eventfd with counter {@code initial}. */
    public static int eventfd(int initial) {
        return (int) check("eventfd", LibC.eventfd(Native.threadCaptureState(), initial,
                LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC));
    }

    /** Writes {@code n} bytes; returns what write(2) returned (or -errno). */
    public static long write(int fd, int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(8, n));
            buf.set(ValueLayout.JAVA_LONG, 0, 1L);
            return LibC.write(Native.threadCaptureState(), fd, buf, n);
        }
    }

    /** Reads up to {@code n} bytes; returns what read(2) returned (or -errno). */
    public static long read(int fd, int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(8, n));
            return LibC.read(Native.threadCaptureState(), fd, buf, n);
        }
    }

    /** Fills a non-blocking pipe's write end until EAGAIN. */
    public static void fill(int writeFd) {
        while (write(writeFd, 65536) > 0) {
            // keep going
        }
    }

    /** {@code dup(fd)}. */
    public static int dup(int fd) {
        return (int) check("dup", LibC.dup(Native.threadCaptureState(), fd));
    }

    /** Closes fds, ignoring errors. */
    public static void close(int... fds) {
        for (int fd : fds) {
            LibC.close(Native.threadCaptureState(), fd);
        }
    }

    /** Number of open fds of this process. */
    public static long openFdCount() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Number of mappings of this process. */
    public static long mappingCount() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long check(String what, long r) {
        if (r < 0) {
            throw new IllegalStateException(what + " failed: " + Errno.describe((int) -r));
        }
        return r;
    }
}
