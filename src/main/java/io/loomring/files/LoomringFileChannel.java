package io.loomring.files;

import io.loomring.IoScheduler;
import io.loomring.IoStatus;
import io.loomring.ffm.FileCalls;
import io.loomring.ffm.Native;
import io.loomring.jfr.FileEvents;
import io.loomring.jfr.FileReadEvent;
import io.loomring.jfr.FileWriteEvent;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link FileChannel} whose reads, writes, syncs, truncations and opens run in the calling
 * thread's ring (see {@link FileIo} for where else they run), with the JDK's rules: its exceptions,
 * its option checks, and its interrupt rule (an interrupt closes the channel and the call throws
 * {@link ClosedByInterruptException}). A call that was under way when the interrupt or an
 * asynchronous close came is cancelled and waited for to its end: the buffer's position then says
 * exactly how many bytes moved, before the exception says the channel is closed.
 */
final class LoomringFileChannel extends FileChannel {
    private final FileFd fd;
    private final OpenFlags flags;
    /** The path it was opened with, on the default provider (for map and for messages). */
    private final Path path;
    private final FileLocks.FileKey key;
    /** O_DIRECT's alignment, or 0. */
    private final int alignment;
    /** Relative reads and writes, and position changes, one at a time (they share the file position). */
    private final ReentrantLock positionLock = new ReentrantLock();

    LoomringFileChannel(FileFd fd, OpenFlags flags, Path path, FileLocks.FileKey key, int alignment) {
        this.fd = fd;
        this.flags = flags;
        this.path = path;
        this.key = key;
        this.alignment = alignment;
    }

    /**
     * Opens a channel on {@code path}, a path of the default provider, on {@code scheduler}.
     *
     * @throws java.nio.file.NoSuchFileException and the JDK's other open exceptions
     */
    static FileChannel open(IoScheduler scheduler, Path path, Set<? extends OpenOption> options,
                            FileAttribute<?>... attrs) throws IOException {
        return FileOpener.open(scheduler, path, options, attrs);
    }

    // ------------------------------------------------------------------------------- reads and writes

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkReadable(dst);
        positionLock.lock();
        try {
            return (int) readAt(dst, -1);
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        checkReadable(dst);
        return (int) readAt(dst, position);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureOpen();
        if (!flags.read()) {
            throw new NonReadableChannelException();
        }
        for (int i = offset; i < offset + length; i++) {
            checkNotReadOnly(dsts[i]);
        }
        positionLock.lock();
        try {
            FileReadEvent event = FileEvents.beginRead();
            long n = BufferMoves.readVector(this, fd, alignment, dsts, offset, length);
            if (event != null && FileEvents.endRead(event, path, n)) {
                event.commit();
            }
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkWritable(src);
        positionLock.lock();
        try {
            return (int) writeAt(src, -1);
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        Objects.requireNonNull(src, "src");
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        checkWritable(src);
        return (int) writeAt(src, position);
    }

    /** A read at {@code position} (-1: at the channel's position), with its event. */
    private long readAt(ByteBuffer dst, long position) throws IOException {
        FileReadEvent event = FileEvents.beginRead();
        long n = BufferMoves.read(this, fd, alignment, dst, position);
        if (event != null && FileEvents.endRead(event, path, n)) {
            event.commit();
        }
        return n;
    }

    /** A write at {@code position} (-1: at the channel's position), with its event. */
    private long writeAt(ByteBuffer src, long position) throws IOException {
        FileWriteEvent event = FileEvents.beginWrite();
        long n = BufferMoves.write(this, fd, alignment, src, position);
        if (event != null && FileEvents.endWrite(event, path, n)) {
            event.commit();
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        if (!flags.write()) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            FileWriteEvent event = FileEvents.beginWrite();
            long n = BufferMoves.writeVector(this, fd, alignment, srcs, offset, length);
            if (event != null && FileEvents.endWrite(event, path, n)) {
                event.commit();
            }
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    // ------------------------------------------------------------------- position, size, sync, truncate

    @Override
    public long position() throws IOException {
        ensureOpen();
        positionLock.lock();
        try {
            return interruptible(flags.append() ? this::sizeNow : () -> FileCalls.seek(capture(), fd.fd(), 0, FileCalls.SEEK_CUR));
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        positionLock.lock();
        try {
            interruptible(() -> FileCalls.seek(capture(), fd.fd(), newPosition, FileCalls.SEEK_SET));
            return this;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return interruptible(this::sizeNow);
    }

    /** The file's size, or {@code -errno}. */
    private long sizeNow() {
        int[] errno = new int[1];
        FileStat s = FileStat.of(fd.fd(), errno);
        return s != null ? s.size() : -errno[0];
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        ensureOpen();
        if (!flags.write()) {
            throw new NonWritableChannelException();
        }
        positionLock.lock();
        try {
            long p = position();
            if (size < size()) {
                run(() -> FileIo.truncate(fd, size), n -> { });
            }
            if (!flags.append() && p > size) {
                position(size);
            }
            return this;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        run(() -> FileIo.sync(fd, !metaData), n -> { });
    }

    // ---------------------------------------------------------------------------- transfers and maps

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        ensureOpen();
        return FileTransfers.to(this, position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ensureOpen();
        return FileTransfers.from(this, src, position, count);
    }

    /**
     * Maps through a JDK channel on the same open file ({@code /proc/self/fd}): a mapping needs no
     * ring. An interrupt that ends the JDK channel's map closes this channel too, as the JDK's rule.
     */
    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        try (FileChannel jdk = sameFileOnJdk(mode)) {
            return jdk.map(mode, position, size);
        } catch (ClosedByInterruptException e) {
            close();
            throw e;
        }
    }

    @Override
    public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
        try (FileChannel jdk = sameFileOnJdk(mode)) {
            return jdk.map(mode, offset, size, arena);
        } catch (ClosedByInterruptException e) {
            close();
            throw e;
        }
    }

    /** A JDK channel on this open file, readable, and writable when this channel is (a map may grow the file). */
    private FileChannel sameFileOnJdk(MapMode mode) throws IOException {
        ensureOpen();
        Objects.requireNonNull(mode, "Mode is null");
        if (mode != MapMode.READ_ONLY && !flags.write()) {
            throw new NonWritableChannelException(); // READ_WRITE and PRIVATE both need writing, as the JDK's
        }
        if (!flags.read()) {
            throw new NonReadableChannelException();
        }
        Path self = path.getFileSystem().getPath("/proc/self/fd/" + fd.fd());
        Set<OpenOption> options = flags.write()
                ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE) : Set.of(StandardOpenOption.READ);
        return path.getFileSystem().provider().newFileChannel(self, options);
    }

    // ------------------------------------------------------------------------------------------- locks

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return FileTransfers.lock(this, fd, key, position, size, shared, true);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return FileTransfers.lock(this, fd, key, position, size, shared, false);
    }

    boolean readable() {
        return flags.read();
    }

    boolean writable() {
        return flags.write();
    }

    @Override
    protected void implCloseChannel() {
        FileLocks.closing(this, key);
        fd.close();
    }

    @Override
    public String toString() {
        return "LoomringFileChannel[" + path + (isOpen() ? "" : ", closed") + "]";
    }

    // ------------------------------------------------------------------------------------- the protocol

    /** A call that returns bytes, {@code -errno} or a status. */
    @FunctionalInterface
    interface Call {
        long run();
    }

    /** What to do with the bytes a call moved (before any exception: the buffer tells the caller). */
    @FunctionalInterface
    interface Moved {
        void accept(long n);
    }

    /**
     * Runs one call that may wait, with the JDK's interrupt protocol: counted in on the fd, between
     * {@code begin()} and {@code end()}; bytes moved are applied first, so that even when
     * {@code end()} throws (interrupted, or closed meanwhile) the buffers say what happened.
     *
     * @return bytes (0 or more)
     */
    long run(Call call, Moved moved) throws IOException {
        if (!fd.enter()) {
            throw new ClosedChannelException();
        }
        long r = 0;
        try {
            begin();
            try {
                if (!isOpen()) {
                    return 0;
                }
                r = call.run();
                moved.accept(r);
            } finally {
                end(r > 0);
            }
        } finally {
            fd.exit();
        }
        return result(r);
    }

    /**
     * A call that does not wait (a seek, a size) but that the JDK still runs under its interrupt
     * rule: a thread interrupted before it closes the channel and throws
     * {@link ClosedByInterruptException}, and a close meanwhile ends it with
     * {@link java.nio.channels.AsynchronousCloseException}.
     *
     * @return the call's result (0 or more)
     */
    private long interruptible(Call call) throws IOException {
        if (!fd.enter()) {
            throw new ClosedChannelException();
        }
        long r = -1;
        try {
            begin();
            try {
                if (!isOpen()) {
                    return 0; // end() throws
                }
                r = call.run();
            } finally {
                end(r >= 0);
            }
        } finally {
            fd.exit();
        }
        return result(r);
    }

    /** A call that does not wait, outside the interrupt rule (as the JDK's {@code tryLock}). */
    long quick(Call call) throws IOException {
        if (!fd.enter()) {
            throw new ClosedChannelException();
        }
        try {
            return result(call.run());
        } finally {
            fd.exit();
        }
    }

    /** The JDK's rule: an interrupt closes the channel before the call throws. */
    private void closeAfterInterrupt() {
        try {
            close();
        } catch (IOException e) {
            // closed either way
        }
    }

    private long result(long r) throws IOException {
        if (r >= 0) {
            return r;
        }
        int status = (int) r;
        if (status == IoStatus.INTERRUPTED) {
            // The channel may still be open: Thread.interrupt() wakes a platform thread before it
            // looks for the channel's interrupt handler, which end() may have removed by then.
            closeAfterInterrupt();
            throw new ClosedByInterruptException();
        }
        if (status == IoStatus.CANCELLED) {
            throw new java.nio.channels.AsynchronousCloseException();
        }
        if (status == IoStatus.CLOSED) {
            throw fd.scheduler().route(fd.fd()).closedException();
        }
        throw FileErrors.ofCall((int) -r);
    }

    private static MemorySegment capture() {
        return Native.threadCaptureState();
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void checkReadable(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        ensureOpen();
        if (!flags.read()) {
            throw new NonReadableChannelException();
        }
        checkNotReadOnly(dst);
    }

    private static void checkNotReadOnly(ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
    }

    private void checkWritable(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        if (!flags.write()) {
            throw new NonWritableChannelException();
        }
    }
}
