package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.jfr.SocketEvents;
import io.loomring.jfr.SocketWriteEvent;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writing side of a socket: one writer at a time (a lock), the write timeout, the shut-down
 * output, and the write still in the ring ({@link WriteBehind}), which the next write, the
 * shutdown and close wait for first. A write sends all its bytes: {@code send(2)} on the
 * non-blocking fd, and while the socket buffer is full either a park until the fd is writable
 * ({@link SocketFd#await}) or, on a thread that runs completion-mode I/O, a {@code SEND} in the
 * ring ({@link RingSocketIo}), where the kernel waits for room. A write that must not wait (a
 * channel in non-blocking mode) sends what fits and returns its count. Every {@code send} carries
 * {@code MSG_NOSIGNAL}: a peer that is gone is an error, never {@code SIGPIPE}.
 *
 * <p>The write timeout bounds each wait without progress: a write fails when it makes none that
 * long, and part of its data may have been sent by then.
 */
public final class SocketWriter {
    private static final String TIMED_OUT = "Write timed out";

    private final SocketFd fd;
    private final SocketConnector connector;
    private final RingSocketIo ring;
    /** The write still in the ring, in completion mode (under the lock). */
    private final WriteBehind writeBehind;
    /** A gathering write's heap buffers, copied for one sendmsg beside its direct ones (under the lock). */
    private final StagedBuffers staged;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long timeoutNanos;
    private volatile boolean shutdown;
    /** At most this many bytes of a gathering write with heap buffers are copied into one send. */
    private static final int GATHER_LIMIT = 64 * 1024;

    /** sendmsg msghdr followed by its iovecs, under the lock; allocated on first gathering write. */
    private MemorySegment msg;
    /** The array a gathering write with heap buffers copies into, under the lock; grows as needed. */
    private byte[] gather;

    public SocketWriter(SocketFd fd, SocketConnector connector, RingSocketIo ring) {
        this.fd = fd;
        this.connector = connector;
        this.ring = ring;
        this.writeBehind = new WriteBehind(fd);
        this.staged = new StagedBuffers(fd);
    }

    /** How long a write may go without progress, in nanoseconds; 0 for no limit. */
    public void setTimeout(long nanos) {
        timeoutNanos = nanos;
    }

    /** True once output was shut down. */
    public boolean isShutdown() {
        return shutdown;
    }

    /** Writes all of {@code src}; on an exception its position tells how much was written. */
    public int write(ByteBuffer src) throws IOException {
        return write(src, true);
    }

    /**
     * Writes {@code src}: with {@code blocking} all of it, else what fits in the socket buffer now
     * (perhaps nothing), never through the ring. Returns the bytes written.
     */
    public int write(ByteBuffer src, boolean blocking) throws IOException {
        Objects.requireNonNull(src, "src");
        SocketWriteEvent event = SocketEvents.beginWrite();
        int n = writeOne(src, blocking);
        if (event != null && SocketEvents.endWrite(event, connector.remote(), n)) {
            event.commit();
        }
        return n;
    }

    private int writeOne(ByteBuffer src, boolean blocking) throws IOException {
        lock.lock();
        try {
            connector.beginIo();
            try {
                MemorySegment seg = MemorySegment.ofBuffer(src); // the length is the segment's (see SocketReader)
                if (seg.byteSize() == 0) {
                    return 0;
                }
                return (int) (blocking ? sendFully(seg, seg.byteSize(), src) : sendNow(seg, seg.byteSize(), src));
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code len} bytes of {@code b} from {@code off}. */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        SocketWriteEvent event = SocketEvents.beginWrite();
        lock.lock();
        try {
            connector.beginIo();
            try {
                if (len > 0) {
                    sendFully(MemorySegment.ofArray(b).asSlice(off, len), len, null);
                }
                if (event != null && SocketEvents.endWrite(event, connector.remote(), len)) {
                    event.commit();
                }
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gathering write of everything in the buffers: {@code sendmsg} when all are direct; with heap
     * buffers among them, up to {@link #GATHER_LIMIT} bytes copied into one array and sent as one
     * (one TCP segment where the buffers would have made several: a framework's direct header
     * buffer and heap body); beyond that, when the heap ones hold at most
     * {@link StagedBuffers#LIMIT} bytes, those copied into native memory and everything sent with
     * one {@code sendmsg} (a heap head and a large direct body), else one buffer after the other.
     * Returns the bytes written.
     */
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return write(srcs, offset, length, true);
    }

    /** {@link #write(ByteBuffer[], int, int)}; without {@code blocking}, only what fits now. */
    public long write(ByteBuffer[] srcs, int offset, int length, boolean blocking) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        boolean allDirect = true;
        for (int i = offset; i < offset + length; i++) {
            allDirect &= Objects.requireNonNull(srcs[i], "srcs[" + i + "]").isDirect();
        }
        SocketWriteEvent event = SocketEvents.beginWrite();
        long n = writeAll(srcs, offset, length, blocking, allDirect);
        if (event != null && SocketEvents.endWrite(event, connector.remote(), n)) {
            event.commit();
        }
        return n;
    }

    private long writeAll(ByteBuffer[] srcs, int offset, int length, boolean blocking, boolean allDirect)
            throws IOException {
        lock.lock();
        try {
            connector.beginIo();
            try {
                if (allDirect) {
                    return writeVectored(srcs, offset, offset + length, blocking);
                }
                long remaining = Iovecs.remaining(srcs, offset, offset + length);
                if (remaining <= GATHER_LIMIT) {
                    return writeGathered(srcs, offset, offset + length, (int) remaining, blocking);
                }
                long heap = StagedBuffers.heapRemaining(srcs, offset, offset + length);
                if (heap <= StagedBuffers.LIMIT) {
                    ByteBuffer[] sent = staged.stage(srcs, offset, offset + length, (int) heap);
                    long n = writeVectored(sent, 0, sent.length, blocking);
                    StagedBuffers.advance(srcs, offset, offset + length, sent);
                    return n;
                }
                long total = 0;
                for (int i = offset; i < offset + length; i++) {
                    MemorySegment seg = MemorySegment.ofBuffer(srcs[i]);
                    if (seg.byteSize() > 0) {
                        long n = blocking ? sendFully(seg, seg.byteSize(), srcs[i]) : sendNow(seg, seg.byteSize(), srcs[i]);
                        total += n;
                        if (n < seg.byteSize()) {
                            break; // the socket buffer is full
                        }
                    }
                }
                return total;
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Shuts down the writing side, after the write still in the ring has left (before the FIN). */
    public void shutdown() throws IOException {
        lock.lock();
        try {
            connector.beginIo();
            try {
                writeBehind.finish(fd.route(), timeoutNanos, TIMED_OUT);
                SocketCalls.shutdown(fd.fd(), Sockets.SHUT_WR);
                shutdown = true;
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The socket is about to close: a write still in the ring gets the write timeout, or at most
     * {@link WriteBehind#CLOSE_WAIT_NANOS}, to be sent. A close while another thread is writing
     * does not wait.
     */
    public void beforeClose() {
        if (lock.tryLock()) {
            try {
                if (writeBehind.hasPending()) {
                    writeBehind.finishBeforeClose(fd.route(), timeoutNanos);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** The buffers' {@code remaining} bytes copied into one array, sent as one, the buffers advanced. */
    private long writeGathered(ByteBuffer[] srcs, int from, int to, int remaining, boolean blocking) throws IOException {
        byte[] g = gather;
        if (g == null || g.length < remaining) {
            g = new byte[Math.max(remaining, 1024)];
            gather = g;
        }
        int at = 0;
        for (int i = from; i < to; i++) {
            ByteBuffer b = srcs[i];
            int n = b.remaining();
            b.get(b.position(), g, at, n); // absolute: positions move only by what was sent
            at += n;
        }
        MemorySegment seg = MemorySegment.ofArray(g).asSlice(0, remaining);
        long sent = blocking ? sendFully(seg, remaining, null) : sendNow(seg, remaining, null);
        Iovecs.advance(srcs, from, to, sent);
        return sent;
    }

    private long writeVectored(ByteBuffer[] srcs, int from, int to, boolean blocking) throws IOException {
        IoRoute route = fd.route();
        writeBehind.finish(route, timeoutNanos, TIMED_OUT);
        if (msg == null) {
            msg = fd.memory().allocate(Sockets.MSGHDR_SIZE + Iovecs.TABLE_SIZE);
        }
        MemorySegment iov = msg.asSlice(Sockets.MSGHDR_SIZE);
        MemorySegment capture = Native.threadCaptureState();
        long total = 0;
        for (;;) {
            checkOutputOpen();
            int count = Iovecs.fill(iov, srcs, from, to);
            if (count == 0) {
                return total;
            }
            Sockets.setMsghdr(msg.asSlice(0, Sockets.MSGHDR_SIZE), iov, count);
            long n = Sockets.sendmsg(capture, fd.fd(), msg, Sockets.MSG_NOSIGNAL);
            if (n >= 0) {
                Iovecs.advance(srcs, from, to, n);
                total += n;
                continue;
            }
            if (n == -Errno.EAGAIN && !blocking) {
                return total;
            }
            onError(route, (int) -n);
        }
    }

    /** Sends all {@code len} bytes of {@code seg}; advances {@code advance}'s position as it goes. */
    private long sendFully(MemorySegment seg, long len, ByteBuffer advance) throws IOException {
        // An earlier write still in the ring goes first, and its failure is this write's.
        IoRoute route = fd.route();
        writeBehind.finish(route, timeoutNanos, TIMED_OUT);
        if (WriteBehind.accepts(route, len)) {
            checkOutputOpen();
            writeBehind.start(route, seg, (int) len);
            if (advance != null) {
                advance.position(advance.position() + (int) len);
            }
            return len;
        }
        MemorySegment capture = Native.threadCaptureState();
        boolean completionMode = route.completionMode();
        long done = 0;
        try {
            while (done < len) {
                checkOutputOpen();
                long n = Sockets.send(capture, fd.fd(), seg.asSlice(done), len - done, Sockets.MSG_NOSIGNAL);
                if (completionMode && n == -Errno.EAGAIN) {
                    // Completion mode still tries send(2) first: bytes that fit in the socket
                    // buffer leave in that call, which costs less than parking for a SEND's
                    // completion and being resumed. Only a full buffer hands the rest to the ring,
                    // where the kernel waits for room.
                    done += ring.send(route, seg.asSlice(done), len - done, timeoutNanos);
                    continue;
                }
                if (n >= 0) {
                    done += n;
                } else {
                    onError(route, (int) -n);
                }
            }
            return done;
        } finally {
            if (advance != null) {
                advance.position(advance.position() + (int) done);
            }
        }
    }

    /**
     * Sends what fits of {@code seg} without waiting (after any write still in the ring, which a
     * switch to non-blocking mode normally finished already); advances {@code advance}.
     */
    private long sendNow(MemorySegment seg, long len, ByteBuffer advance) throws IOException {
        writeBehind.finish(fd.route(), timeoutNanos, TIMED_OUT);
        MemorySegment capture = Native.threadCaptureState();
        long done = 0;
        while (done < len) {
            checkOutputOpen();
            long n = Sockets.send(capture, fd.fd(), seg.asSlice(done), len - done, Sockets.MSG_NOSIGNAL);
            if (n >= 0) {
                done += n;
            } else if (n == -Errno.EAGAIN) {
                break;
            } else if (n != -Errno.EINTR) {
                fd.checkNotClosing();
                throw SocketErrors.io("write", (int) -n);
            }
        }
        if (advance != null) {
            advance.position(advance.position() + (int) done);
        }
        return done;
    }

    /** Waits until the write still in the ring, if any, has left (before a switch to non-blocking mode). */
    public void flush() throws IOException {
        lock.lock();
        try {
            fd.begin();
            try {
                writeBehind.finish(fd.route(), timeoutNanos, TIMED_OUT);
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkOutputOpen() throws IOException {
        fd.checkNotClosing();
        if (shutdown) {
            throw new SocketException("Socket output is shutdown");
        }
    }

    private void onError(IoRoute route, int errno) throws IOException {
        if (errno == Errno.EAGAIN) {
            fd.await(route, false, SocketFd.deadline(timeoutNanos), TIMED_OUT);
            return;
        }
        if (errno == Errno.EINTR) {
            return;
        }
        fd.checkNotClosing();
        if (Thread.currentThread().isInterrupted()) {
            // As the JDK's channels: a write that fails on an interrupted thread reports the
            // interrupt. (A zero-copy send that an interrupt cancelled after the kernel took its
            // bytes ends by resetting the connection, see ZeroCopySends: this is that reset.)
            throw fd.statusException(route, IoStatus.INTERRUPTED, TIMED_OUT);
        }
        throw SocketErrors.io("write", errno);
    }
}
