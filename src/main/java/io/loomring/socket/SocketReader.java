package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import io.loomring.jfr.SocketEvents;
import io.loomring.jfr.SocketReadEvent;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reading side of a socket: one reader at a time (a lock), the read timeout and the shut-down
 * input. A read takes one of two paths. On a thread that runs completion-mode I/O it is a
 * {@code RECV} in the ring ({@link RingSocketIo}); otherwise it tries {@code recv(2)} on the
 * non-blocking fd and, on {@code EAGAIN}, parks until the fd is readable ({@link SocketFd#await}),
 * then tries again. A read that must not wait (a channel in non-blocking mode) makes the syscall
 * once and returns 0 on {@code EAGAIN}. Scattering reads into direct buffers are one
 * {@code readv(2)}, always on the readiness path. Where the route reads through multishot receives
 * ({@link MultishotReader}), a blocking read starts one and every later read takes its bytes, on
 * whatever path, until it ends.
 *
 * <p>Every read runs as an operation on the fd ({@link SocketConnector#beginIo}), so a close
 * waits for it to leave its syscall.
 */
public final class SocketReader {
    private final SocketFd fd;
    private final SocketConnector connector;
    private final RingSocketIo ring;
    private final MultishotReader multishot;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long timeoutNanos;
    private volatile boolean shutdown;
    /** readv iovecs, under the lock; allocated on first scattering read. */
    private MemorySegment iov;

    public SocketReader(SocketFd fd, SocketConnector connector, RingSocketIo ring) {
        this.fd = fd;
        this.connector = connector;
        this.ring = ring;
        this.multishot = new MultishotReader(fd);
    }

    /**
     * Starts no more multishot receives: for a face whose readiness is read from the kernel (a
     * channel a selector watches, an fd handed out), which could not see bytes waiting in the
     * ring's buffers. One still running (or holding bytes) is read to its end first.
     */
    public void noMultishot() {
        multishot.disallow();
    }

    /**
     * Bytes that can be read without waiting: those the kernel holds ({@code FIONREAD}) and those
     * a multishot receive holds.
     */
    public int available() throws IOException {
        fd.begin();
        try {
            return (int) Math.min(Integer.MAX_VALUE, SocketCalls.available(fd.fd()) + multishot.queuedBytes());
        } finally {
            fd.end();
        }
    }

    /** Bytes a multishot receive holds in the ring's buffers, not yet read. */
    public long queuedBytes() {
        return multishot.queuedBytes();
    }

    /** The socket has closed and nobody reads any more: buffers a multishot receive held go back. */
    void afterClose() {
        multishot.discard();
    }

    /** How long a read may park, in nanoseconds; 0 for no limit. */
    public void setTimeout(long nanos) {
        timeoutNanos = nanos;
    }

    /** True once input was shut down (reads return -1). */
    public boolean isShutdown() {
        return shutdown;
    }

    /** Reads into {@code dst}'s remaining bytes: 0 if none, -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        return read(dst, true, timeoutNanos);
    }

    /**
     * Reads into {@code dst}'s remaining bytes, -1 at end of stream. With {@code blocking} it
     * waits for bytes, at most {@code timeoutNanos} (0: no limit); without, it returns 0 when none
     * are there (and never uses the ring, where a RECV would wait).
     */
    public int read(ByteBuffer dst, boolean blocking, long timeoutNanos) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        SocketReadEvent event = SocketEvents.beginRead();
        lock.lock();
        try {
            connector.beginIo();
            try {
                if (!dst.hasRemaining()) {
                    return 0;
                }
                // The length comes from the segment itself: recv may write into a heap array, and a
                // second look at the buffer (which another thread could change) must not widen it.
                MemorySegment seg = MemorySegment.ofBuffer(dst);
                int n = receive(seg, (int) seg.byteSize(), blocking, timeoutNanos);
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                if (event != null && SocketEvents.endRead(event, connector.remote(), n, timeoutNanos)) {
                    event.commit();
                }
                return n;
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads up to {@code len} bytes into {@code b} from {@code off}: 0 if {@code len} is 0, -1 at end of stream. */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        SocketReadEvent event = SocketEvents.beginRead();
        lock.lock();
        try {
            connector.beginIo();
            try {
                if (len == 0) {
                    return 0;
                }
                long timeout = timeoutNanos;
                int n = receive(MemorySegment.ofArray(b).asSlice(off, len), len, true, timeout);
                if (event != null && SocketEvents.endRead(event, connector.remote(), n, timeout)) {
                    event.commit();
                }
                return n;
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Scattering read: with direct buffers one {@code readv}; with heap buffers it fills the first
     * buffer that has room. Returns 0 if no buffer has room, -1 at end of stream.
     */
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return read(dsts, offset, length, true);
    }

    /** {@link #read(ByteBuffer[], int, int)}, waiting for bytes only with {@code blocking} (else 0 when none). */
    public long read(ByteBuffer[] dsts, int offset, int length, boolean blocking) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        boolean allDirect = true;
        int first = -1;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = Objects.requireNonNull(dsts[i], "dsts[" + i + "]");
            if (b.isReadOnly()) {
                throw new IllegalArgumentException("read-only buffer at " + i);
            }
            allDirect &= b.isDirect();
            if (first < 0 && b.hasRemaining()) {
                first = i;
            }
        }
        if (first < 0) {
            connector.beginIo();
            fd.end();
            return 0;
        }
        if (!allDirect) {
            return read(dsts[first], blocking, timeoutNanos);
        }
        SocketReadEvent event = SocketEvents.beginRead();
        lock.lock();
        try {
            connector.beginIo();
            try {
                long n = readVectored(dsts, first, offset + length, blocking);
                if (event != null && SocketEvents.endRead(event, connector.remote(), n, timeoutNanos)) {
                    event.commit();
                }
                return n;
            } finally {
                fd.end();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Shuts down the reading side: later reads return -1, a blocked read wakes and returns -1. */
    public void shutdown() throws IOException {
        connector.beginIo();
        try {
            SocketCalls.shutdown(fd.fd(), Sockets.SHUT_RD);
            shutdown = true;
        } finally {
            fd.end();
        }
    }

    private long readVectored(ByteBuffer[] dsts, int from, int to, boolean blocking) throws IOException {
        if (shutdown) {
            return -1;
        }
        if (iov == null) {
            iov = fd.memory().allocate(Iovecs.TABLE_SIZE);
        }
        int count = Iovecs.fill(iov, dsts, from, to);
        IoRoute route = fd.route();
        if (multishot.active()) {
            // Bytes wait in the receive's buffers: the first buffer with room takes them.
            MemorySegment seg = MemorySegment.ofBuffer(dsts[from]);
            int n = multishot.read(route, seg, (int) seg.byteSize(), blocking, SocketFd.deadline(timeoutNanos));
            if (n != MultishotReader.UNUSED) {
                if (n > 0) {
                    dsts[from].position(dsts[from].position() + n);
                }
                return n;
            }
        }
        MemorySegment capture = Native.threadCaptureState();
        long deadline = -1;
        for (;;) {
            long n = Sockets.readv(capture, fd.fd(), iov, count);
            if (n > 0) {
                Iovecs.advance(dsts, from, to, n);
                return n;
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Errno.EAGAIN && !blocking) {
                return 0;
            }
            deadline = onError(route, (int) -n, deadline, timeoutNanos);
        }
    }

    /**
     * Reads into {@code seg}: on a thread that runs completion-mode I/O through the ring, else the
     * syscall first and a wait on EAGAIN. Returns -1 at end of stream.
     */
    private int receive(MemorySegment seg, int len, boolean blocking, long timeoutNanos) throws IOException {
        if (shutdown) {
            return -1;
        }
        IoRoute route = fd.route();
        if (multishot.active() || (blocking && route.multishotReceive())) {
            int n = multishot.read(route, seg, len, blocking, SocketFd.deadline(timeoutNanos));
            if (n != MultishotReader.UNUSED) {
                return n;
            }
        }
        if (blocking && route.completionMode()) {
            return ring.receive(route, seg, len, timeoutNanos);
        }
        MemorySegment capture = Native.threadCaptureState();
        long deadline = -1;
        for (;;) {
            long n = Sockets.recv(capture, fd.fd(), seg, len, 0);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Errno.EAGAIN && !blocking) {
                return 0;
            }
            deadline = onError(route, (int) -n, deadline, timeoutNanos);
        }
    }

    /** Waits on EAGAIN (computing the deadline on the first wait), retries EINTR, else throws. */
    private long onError(IoRoute route, int errno, long deadline, long timeoutNanos) throws IOException {
        if (errno == Errno.EAGAIN) {
            if (deadline < 0) {
                deadline = SocketFd.deadline(timeoutNanos);
            }
            fd.await(route, true, deadline, "Read timed out");
            return deadline;
        }
        if (errno == Errno.EINTR) {
            return deadline;
        }
        fd.checkNotClosing();
        throw SocketErrors.io("read", errno);
    }
}
