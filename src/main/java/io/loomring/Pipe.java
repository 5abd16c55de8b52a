package io.loomring;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * A non-blocking pipe ({@code pipe2(O_NONBLOCK | O_CLOEXEC)}) whose two fds can be awaited on an
 * {@link IoScheduler}: the usual way to wake a virtual thread parked on several fds, or to hand
 * bytes between threads through the kernel.
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open()) {
 *     Thread reader = Thread.startVirtualThread(() -> {
 *         ByteBuffer buf = ByteBuffer.allocate(64);
 *         try {
 *             while (pipe.read(buf) == 0) {                 // 0: nothing there yet
 *                 io.awaitReadable(pipe.readFd());
 *             }
 *         } catch (IOException e) { ... }
 *     });
 *     pipe.write(ByteBuffer.wrap(new byte[] {1}));
 *     reader.join();
 * }
 * }</pre>
 *
 * <p>{@link #read} and {@link #write} never block: they return 0 where the syscall says
 * {@code EAGAIN}, and the caller awaits the fd and retries (a wakeup may be spurious).
 *
 * <h2>Ownership of the fds</h2>
 * The pipe owns both fds and closes each exactly once: {@link #closeWriteEnd()} closes the write
 * end (the reader then sees end-of-stream), {@link #close()} closes what is still open. The numbers
 * returned by {@link #readFd()} and {@link #writeFd()} are valid until then; do not close them
 * yourself, and do not clear {@code O_NONBLOCK} on them. Calls on a closed end throw
 * {@link ClosedChannelException}; a call racing with close either completes on the open fd or
 * throws, never reaches a reused fd number. Closing does not wake threads awaiting the fds on an
 * {@code IoScheduler}: call {@link IoScheduler#cancel(int)} for each fd first (an await left on a
 * closed file stays parked until its timeout or an interrupt).
 *
 * <p>All methods are safe to call from any thread.
 */
public final class Pipe implements Closeable {
    /** At most this much of a heap buffer is copied through native memory per call (a pipe's default size). */
    private static final int HEAP_CHUNK = 65536;

    private final OwnedFd readEnd;
    private final OwnedFd writeEnd;

    private Pipe(int readFd, int writeFd) {
        this.readEnd = new OwnedFd(readFd, "Pipe read end");
        this.writeEnd = new OwnedFd(writeFd, "Pipe write end");
    }

    /**
     * Creates a pipe, both ends non-blocking and close-on-exec.
     *
     * @return the new pipe, both ends open
     * @throws IOException if {@code pipe2} fails (for example EMFILE: too many open files)
     */
    public static Pipe open() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int r = LibC.pipe2(Native.threadCaptureState(), fds, LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            if (r < 0) {
                throw OwnedFd.failure("pipe2", r);
            }
            return new Pipe(fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1));
        }
    }

    /**
     * The read end's fd number, to await with {@link IoScheduler#awaitReadable(int)}. Valid until
     * {@link #close()}; owned by this pipe.
     *
     * @return the read end's fd number
     * @throws ClosedChannelException if the pipe is closed
     */
    public int readFd() throws ClosedChannelException {
        return readEnd.number();
    }

    /**
     * The write end's fd number, to await with {@link IoScheduler#awaitWritable(int)} when the pipe
     * is full. Valid until {@link #closeWriteEnd()} or {@link #close()}; owned by this pipe.
     *
     * @return the write end's fd number
     * @throws ClosedChannelException if the write end is closed
     */
    public int writeFd() throws ClosedChannelException {
        return writeEnd.number();
    }

    /**
     * Reads what the pipe holds, up to {@code dst.remaining()} bytes, without blocking.
     *
     * @param dst the buffer to read into, from its position
     * @return the number of bytes read (the buffer's position advances by it), 0 if the pipe is
     *         empty (or {@code dst} has no room), or -1 at end-of-stream (the write end is closed and
     *         the pipe drained)
     * @throws ClosedChannelException if the pipe is closed
     * @throws IOException            if {@code read(2)} fails otherwise
     */
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int fd = readEnd.begin();
        try (Arena arena = Arena.ofConfined()) {
            boolean direct = dst.isDirect();
            MemorySegment seg = direct ? MemorySegment.ofBuffer(dst)
                    : arena.allocate(Math.min(dst.remaining(), HEAP_CHUNK));
            long n = LibC.read(Native.threadCaptureState(), fd, seg, seg.byteSize());
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n < 0) {
                throw OwnedFd.failure("read from pipe", n);
            }
            if (n == 0) {
                return -1;
            }
            if (direct) {
                dst.position(dst.position() + (int) n);
            } else {
                dst.put(seg.asSlice(0, n).asByteBuffer());
            }
            return (int) n;
        } finally {
            readEnd.end();
        }
    }

    /**
     * Writes as much of {@code src} as the pipe takes now, without blocking. Writes of at most
     * {@code PIPE_BUF} (4096) bytes are atomic.
     *
     * @param src the bytes to write, from its position
     * @return the number of bytes written (the buffer's position advances by it), 0 if the pipe is
     *         full (or {@code src} is empty)
     * @throws ClosedChannelException if the write end is closed
     * @throws IOException            if {@code write(2)} fails, for example EPIPE when the read end
     *                                is closed
     */
    public int write(ByteBuffer src) throws IOException {
        if (!src.hasRemaining()) {
            return 0;
        }
        int fd = writeEnd.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg;
            if (src.isDirect()) {
                seg = MemorySegment.ofBuffer(src);
            } else {
                int len = Math.min(src.remaining(), HEAP_CHUNK);
                seg = arena.allocate(len);
                seg.asByteBuffer().put(src.slice(src.position(), len));
            }
            long n = LibC.write(Native.threadCaptureState(), fd, seg, seg.byteSize());
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n < 0) {
                throw OwnedFd.failure("write to pipe", n);
            }
            src.position(src.position() + (int) n);
            return (int) n;
        } finally {
            writeEnd.end();
        }
    }

    /**
     * Closes the write end, so that the reader sees end-of-stream once the pipe is drained.
     * Idempotent.
     *
     * @throws IOException if {@code close(2)} fails (the fd is released all the same)
     */
    public void closeWriteEnd() throws IOException {
        writeEnd.close();
    }

    /**
     * Whether the pipe is open.
     *
     * @return true until {@link #close()}
     */
    public boolean isOpen() {
        return readEnd.isOpen();
    }

    /**
     * Closes both ends (each exactly once, also after {@link #closeWriteEnd()}). Idempotent.
     *
     * @throws IOException if {@code close(2)} fails (the fds are released all the same)
     */
    @Override
    public void close() throws IOException {
        try {
            writeEnd.close();
        } finally {
            readEnd.close();
        }
    }

    @Override
    public String toString() {
        return "Pipe[read " + readEnd + ", write " + writeEnd + "]";
    }
}
