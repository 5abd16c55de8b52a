package io.loomring.net;

import io.loomring.IoScheduler;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ScatteringByteChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP connection with blocking-style calls that park the calling (virtual) thread instead of
 * blocking it: the fd is non-blocking, each call tries the syscall first and waits on an
 * {@link IoScheduler} only when the kernel says {@code EAGAIN}. On a thread that runs
 * completion-mode I/O ({@link IoScheduler#completionMode()}) a read is a {@code RECV} in the ring
 * instead, and a write of up to 16 KiB is written behind ({@link IoScheduler#writesBehind()}): it
 * returns once its bytes are queued in the ring; the next write, {@link #shutdownOutput()} or
 * {@link #close()} waits for them first and throws what their send failed with.
 *
 * <pre>{@code
 * try (TcpSocket s = TcpSocket.connect(new InetSocketAddress("127.0.0.1", 7000))) {
 *     s.write("ping\n".getBytes(US_ASCII), 0, 5);
 *     int n = s.read(buf, 0, buf.length);     // parks until data, -1 at end of stream
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * One thread may read while another writes; concurrent readers (or writers) take turns. Calling
 * {@link #close()} from any thread wakes threads blocked in {@code connect}, {@code read} or
 * {@code write} with {@link AsynchronousCloseException}; the fd is closed only after every thread
 * has left its syscall, so its number cannot be reused under them. Later calls throw
 * {@link ClosedChannelException}. Interrupting a thread blocked in a call closes the socket and
 * throws {@link ClosedByInterruptException} (interrupt status left set), as the JDK's channels do.
 *
 * <h2>Errors</h2>
 * As the JDK's sockets: {@link java.net.ConnectException} (refused, timed out by the kernel),
 * {@link java.net.NoRouteToHostException}, {@link SocketTimeoutException} (the timeouts set here),
 * {@link SocketException} with {@code "Connection reset"} or {@code "Broken pipe"}; messages carry
 * the errno. Writing to a peer that is gone never raises {@code SIGPIPE}.
 */
public final class TcpSocket implements ByteChannel, ScatteringByteChannel, GatheringByteChannel, AutoCloseable {
    private static final int UNCONNECTED = 0;
    private static final int CONNECTING = 1;
    private static final int CONNECTED = 2;
    /** iovecs per readv/sendmsg call. */
    private static final int IOV_BATCH = 64;

    private final SocketFd fd;
    private final RingSocketIo ring;
    /** The write still in the ring, in completion mode (under writeLock). */
    private final WriteBehind writeBehind;
    private final int family;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object stateLock = new Object();
    private volatile int connectState;
    private volatile long readTimeoutNanos;
    private volatile long writeTimeoutNanos;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    /** readv iovecs, under readLock; allocated on first scattering read. */
    private MemorySegment readIov;
    /** sendmsg msghdr followed by its iovecs, under writeLock; allocated on first gathering write. */
    private MemorySegment writeMsg;
    private volatile InputStream inputStream;
    private volatile OutputStream outputStream;

    private TcpSocket(int fd, int family, IoScheduler scheduler, InetSocketAddress remote, int state) {
        this.fd = new SocketFd(fd, scheduler, "TcpSocket");
        this.ring = new RingSocketIo(this.fd);
        this.writeBehind = new WriteBehind(this.fd);
        this.family = family;
        this.remote = remote;
        this.connectState = state;
    }

    /** Wraps an fd returned by accept4 (already non-blocking). */
    static TcpSocket accepted(int fd, int family, IoScheduler scheduler, InetSocketAddress remote) {
        return new TcpSocket(fd, family, scheduler, remote, CONNECTED);
    }

    // ---------------------------------------------------------------- opening and connecting

    /**
     * Connects to {@code address} without a timeout of its own (the kernel gives up after its SYN
     * retries), on the {@linkplain IoScheduler#shared() shared} scheduler.
     *
     * @throws IOException as {@link #connect(InetSocketAddress, Duration, IoScheduler)}
     */
    public static TcpSocket connect(InetSocketAddress address) throws IOException {
        return connect(address, Duration.ZERO, IoScheduler.shared());
    }

    /**
     * Connects to {@code address} on the {@linkplain IoScheduler#shared() shared} scheduler.
     *
     * @param timeout how long to wait for the connection; zero for no timeout of its own
     * @throws IOException as {@link #connect(InetSocketAddress, Duration, IoScheduler)}
     */
    public static TcpSocket connect(InetSocketAddress address, Duration timeout) throws IOException {
        return connect(address, timeout, IoScheduler.shared());
    }

    /**
     * Opens a socket of the address's family and connects it, parking the calling thread until the
     * connection is established.
     *
     * @param address   where to connect (resolved)
     * @param timeout   how long to wait; zero for no timeout of its own
     * @param scheduler the scheduler this socket waits on
     * @throws UnknownHostException           if {@code address} is unresolved
     * @throws java.net.ConnectException      if refused, or timed out by the kernel
     * @throws java.net.NoRouteToHostException if the host or network is unreachable
     * @throws SocketTimeoutException         if {@code timeout} elapsed first
     * @throws IllegalArgumentException       if {@code timeout} is negative
     */
    public static TcpSocket connect(InetSocketAddress address, Duration timeout, IoScheduler scheduler)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(scheduler, "scheduler");
        if (address.isUnresolved()) {
            throw new UnknownHostException(address.getHostString());
        }
        StandardProtocolFamily family = Sockets.family(address.getAddress()) == Sockets.AF_INET6
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        TcpSocket socket = open(family, scheduler);
        try {
            socket.connectTo(address, timeout);
        } catch (Throwable t) {
            // connectTo closes the socket once it has started connecting; an argument it refuses
            // before that (a negative timeout) must not leak the fd opened here.
            socket.fd.closeQuietly();
            throw t;
        }
        return socket;
    }

    /**
     * Opens an unconnected socket, so options can be set before {@link #connectTo} and another
     * thread can {@link #close()} it while it connects.
     *
     * @param family    {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}
     *                  (an INET6 socket also connects to IPv4 addresses)
     * @param scheduler the scheduler this socket waits on
     * @throws UnsupportedOperationException for another family
     */
    public static TcpSocket open(ProtocolFamily family, IoScheduler scheduler) throws IOException {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(scheduler, "scheduler");
        int af;
        if (family == StandardProtocolFamily.INET) {
            af = Sockets.AF_INET;
        } else if (family == StandardProtocolFamily.INET6) {
            af = Sockets.AF_INET6;
        } else {
            throw new UnsupportedOperationException("TCP over " + family + " is not supported");
        }
        return new TcpSocket(SocketCalls.newTcpSocket(af), af, scheduler, null, UNCONNECTED);
    }

    /**
     * Connects this socket (opened with {@link #open}). On failure, timeout included, the socket is
     * closed, as the JDK's {@code SocketChannel} does.
     *
     * @param address where to connect
     * @param timeout how long to wait; zero for no timeout of its own
     * @throws AlreadyConnectedException  if connected
     * @throws ConnectionPendingException if another thread is connecting it
     * @throws AsynchronousCloseException if closed by another thread meanwhile
     * @throws IOException                as {@link #connect(InetSocketAddress, Duration, IoScheduler)}
     */
    public void connectTo(InetSocketAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "address");
        long timeoutNanos = timeoutNanos(timeout);
        if (address.isUnresolved()) {
            throw new UnknownHostException(address.getHostString());
        }
        fd.begin();
        boolean started = false;
        boolean connected = false;
        try {
            synchronized (stateLock) {
                if (connectState == CONNECTED) {
                    throw new AlreadyConnectedException();
                }
                if (connectState == CONNECTING) {
                    throw new ConnectionPendingException();
                }
                connectState = CONNECTING;
            }
            started = true;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
                int len = Sockets.encode(address, family, addr);
                awaitConnected(addr, len, address, SocketFd.deadline(timeoutNanos));
            }
            remote = address;
            connectState = CONNECTED;
            connected = true;
        } finally {
            fd.end();
            if (started && !connected) {
                fd.closeQuietly();
            }
        }
    }

    private void awaitConnected(MemorySegment addr, int len, InetSocketAddress address, long deadline)
            throws IOException {
        MemorySegment capture = Native.threadCaptureState();
        int r = Sockets.connect(capture, fd.fd(), addr, len);
        for (;;) {
            if (r == 0 || r == -SocketErrors.EISCONN) {
                return;
            }
            int err = -r;
            if (err != Errno.EINPROGRESS && err != Errno.EALREADY && err != Errno.EINTR) {
                fd.checkNotClosing();
                throw SocketErrors.connect(err, address);
            }
            fd.await(false, deadline, "Connect timed out (" + address + ")");
            int soError = SocketCalls.takeSocketError(fd.fd());
            if (soError != 0) {
                throw SocketErrors.connect(soError, address);
            }
            // Writable without error: connected, unless the wakeup was spurious (then EALREADY).
            r = Sockets.connect(capture, fd.fd(), addr, len);
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads into {@code dst}, parking until at least one byte arrives.
     *
     * @return bytes read, 0 if {@code dst} has no room, -1 at end of stream
     * @throws IllegalArgumentException  if {@code dst} is read-only
     * @throws SocketTimeoutException    if the read timeout elapsed
     * @throws ClosedChannelException    if closed
     * @throws NotYetConnectedException  if not connected
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        readLock.lock();
        try {
            beginIo();
            try {
                if (!dst.hasRemaining()) {
                    return 0;
                }
                // The length comes from the segment itself: recv may write into a heap array, and a
                // second look at the buffer (which another thread could change) must not widen it.
                MemorySegment seg = MemorySegment.ofBuffer(dst);
                int n = receive(seg, (int) seg.byteSize());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            } finally {
                fd.end();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads up to {@code len} bytes into {@code b}, parking until at least one byte arrives.
     *
     * @return bytes read, 0 if {@code len} is 0, -1 at end of stream
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} are out of {@code b}'s bounds
     */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        readLock.lock();
        try {
            beginIo();
            try {
                if (len == 0) {
                    return 0;
                }
                return receive(MemorySegment.ofArray(b).asSlice(off, len), len);
            } finally {
                fd.end();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Scattering read: with direct buffers one {@code readv}; with heap buffers it fills the first
     * buffer that has room (a scattering read may always return fewer bytes).
     *
     * @return bytes read, 0 if no buffer has room, -1 at end of stream
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
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
            beginIo();
            fd.end();
            return 0;
        }
        if (!allDirect) {
            return read(dsts[first]);
        }
        readLock.lock();
        try {
            beginIo();
            try {
                return readVectored(dsts, first, offset + length);
            } finally {
                fd.end();
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    private long readVectored(ByteBuffer[] dsts, int from, int to) throws IOException {
        if (inputShutdown) {
            return -1;
        }
        if (readIov == null) {
            readIov = fd.memory().allocate((long) IOV_BATCH * Sockets.IOVEC_SIZE);
        }
        int count = 0;
        for (int i = from; i < to && count < IOV_BATCH; i++) {
            if (dsts[i].hasRemaining()) {
                MemorySegment s = MemorySegment.ofBuffer(dsts[i]);
                Sockets.setIovec(readIov, count++, s.address(), s.byteSize());
            }
        }
        MemorySegment capture = Native.threadCaptureState();
        long deadline = -1;
        for (;;) {
            long n = Sockets.readv(capture, fd.fd(), readIov, count);
            if (n > 0) {
                advance(dsts, from, to, n);
                return n;
            }
            if (n == 0) {
                return -1;
            }
            deadline = onReadError((int) -n, deadline);
        }
    }

    /**
     * Reads into {@code seg}: on a carried thread through the ring ({@link RingSocketIo}), else the
     * syscall first and a wait on EAGAIN. Returns -1 at end of stream.
     */
    private int receive(MemorySegment seg, int len) throws IOException {
        if (inputShutdown) {
            return -1;
        }
        if (ring.usable()) {
            return ring.receive(seg, len, readTimeoutNanos);
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
            deadline = onReadError((int) -n, deadline);
        }
    }

    /** Waits on EAGAIN (computing the deadline on the first wait), retries EINTR, else throws. */
    private long onReadError(int errno, long deadline) throws IOException {
        if (errno == Errno.EAGAIN) {
            if (deadline < 0) {
                deadline = SocketFd.deadline(readTimeoutNanos);
            }
            fd.await(true, deadline, "Read timed out");
            return deadline;
        }
        if (errno == Errno.EINTR) {
            return deadline;
        }
        fd.checkNotClosing();
        throw SocketErrors.io("read", errno);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes all of {@code src}, parking while the socket buffer is full. On an exception,
     * {@code src}'s position tells how much was written.
     *
     * @return the bytes written (all that remained)
     * @throws SocketTimeoutException if the write made no progress for the write timeout
     * @throws SocketException        if the connection was reset or output is shut down
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        writeLock.lock();
        try {
            beginIo();
            try {
                MemorySegment seg = MemorySegment.ofBuffer(src); // the length is the segment's (see read)
                if (seg.byteSize() == 0) {
                    return 0;
                }
                return (int) sendFully(seg, seg.byteSize(), src);
            } finally {
                fd.end();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Writes {@code len} bytes of {@code b} from {@code off}, parking while the socket buffer is
     * full.
     *
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} are out of {@code b}'s bounds
     */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeLock.lock();
        try {
            beginIo();
            try {
                if (len > 0) {
                    sendFully(MemorySegment.ofArray(b).asSlice(off, len), len, null);
                }
            } finally {
                fd.end();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Gathering write of everything in the buffers: {@code sendmsg} when all are direct, one
     * buffer after the other otherwise.
     *
     * @return the bytes written (all that remained)
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        boolean allDirect = true;
        for (int i = offset; i < offset + length; i++) {
            allDirect &= Objects.requireNonNull(srcs[i], "srcs[" + i + "]").isDirect();
        }
        writeLock.lock();
        try {
            beginIo();
            try {
                if (allDirect) {
                    return writeVectored(srcs, offset, offset + length);
                }
                long total = 0;
                for (int i = offset; i < offset + length; i++) {
                    MemorySegment seg = MemorySegment.ofBuffer(srcs[i]);
                    if (seg.byteSize() > 0) {
                        total += sendFully(seg, seg.byteSize(), srcs[i]);
                    }
                }
                return total;
            } finally {
                fd.end();
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    private long writeVectored(ByteBuffer[] srcs, int from, int to) throws IOException {
        writeBehind.finish(writeTimeoutNanos, "Write timed out");
        if (writeMsg == null) {
            writeMsg = fd.memory().allocate(Sockets.MSGHDR_SIZE + (long) IOV_BATCH * Sockets.IOVEC_SIZE);
        }
        MemorySegment iov = writeMsg.asSlice(Sockets.MSGHDR_SIZE);
        MemorySegment capture = Native.threadCaptureState();
        long total = 0;
        for (;;) {
            checkOutputOpen();
            int count = 0;
            for (int i = from; i < to && count < IOV_BATCH; i++) {
                if (srcs[i].hasRemaining()) {
                    MemorySegment s = MemorySegment.ofBuffer(srcs[i]);
                    Sockets.setIovec(iov, count++, s.address(), s.byteSize());
                }
            }
            if (count == 0) {
                return total;
            }
            Sockets.setMsghdr(writeMsg.asSlice(0, Sockets.MSGHDR_SIZE), iov, count);
            long n = Sockets.sendmsg(capture, fd.fd(), writeMsg, Sockets.MSG_NOSIGNAL);
            if (n >= 0) {
                advance(srcs, from, to, n);
                total += n;
                continue;
            }
            onWriteError((int) -n);
        }
    }

    /** Sends all {@code len} bytes of {@code seg}; advances {@code advance}'s position as it goes. */
    private long sendFully(MemorySegment seg, long len, ByteBuffer advance) throws IOException {
        // An earlier write still in the ring goes first, and its failure is this write's.
        writeBehind.finish(writeTimeoutNanos, "Write timed out");
        if (writeBehind.accepts(len)) {
            checkOutputOpen();
            writeBehind.start(seg, (int) len);
            if (advance != null) {
                advance.position(advance.position() + (int) len);
            }
            return len;
        }
        MemorySegment capture = Native.threadCaptureState();
        boolean completionMode = ring.usable();
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
                    done += ring.send(seg.asSlice(done), len - done, writeTimeoutNanos);
                    continue;
                }
                if (n >= 0) {
                    done += n;
                } else {
                    onWriteError((int) -n);
                }
            }
            return done;
        } finally {
            if (advance != null) {
                advance.position(advance.position() + (int) done);
            }
        }
    }

    private void checkOutputOpen() throws IOException {
        fd.checkNotClosing();
        if (outputShutdown) {
            throw new SocketException("Socket output is shutdown");
        }
    }

    private void onWriteError(int errno) throws IOException {
        if (errno == Errno.EAGAIN) {
            // The write timeout bounds each wait: a write fails when it makes no progress that long.
            fd.await(false, SocketFd.deadline(writeTimeoutNanos), "Write timed out");
            return;
        }
        if (errno == Errno.EINTR) {
            return;
        }
        fd.checkNotClosing();
        throw SocketErrors.io("write", errno);
    }

    private static void advance(ByteBuffer[] buffers, int from, int to, long n) {
        for (int i = from; i < to && n > 0; i++) {
            int step = (int) Math.min(buffers[i].remaining(), n);
            buffers[i].position(buffers[i].position() + step);
            n -= step;
        }
    }

    // ---------------------------------------------------------------- streams

    /**
     * An {@link InputStream} over this socket (the same one on every call). Closing it closes the
     * socket. {@code available()} is always 0.
     */
    public InputStream inputStream() {
        InputStream s = inputStream;
        if (s == null) {
            synchronized (stateLock) {
                if (inputStream == null) {
                    inputStream = new SocketInputStream(this);
                }
                s = inputStream;
            }
        }
        return s;
    }

    /**
     * An {@link OutputStream} over this socket (the same one on every call). Writes are unbuffered;
     * closing it closes the socket.
     */
    public OutputStream outputStream() {
        OutputStream s = outputStream;
        if (s == null) {
            synchronized (stateLock) {
                if (outputStream == null) {
                    outputStream = new SocketOutputStream(this);
                }
                s = outputStream;
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- timeouts, shutdown, options

    /**
     * How long a read may park before it fails with {@link SocketTimeoutException} (the socket
     * stays usable). Zero (the default) means no timeout.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = timeoutNanos(timeout);
    }

    /**
     * How long a write may go without progress (socket buffer full) before it fails with
     * {@link SocketTimeoutException}; part of the data may have been sent by then. Zero (the
     * default) means no timeout.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setWriteTimeout(Duration timeout) {
        writeTimeoutNanos = timeoutNanos(timeout);
    }

    /** Shuts down the reading side: later reads return -1; a blocked read wakes and returns -1. */
    public void shutdownInput() throws IOException {
        beginIo();
        try {
            SocketCalls.shutdown(fd.fd(), Sockets.SHUT_RD);
            inputShutdown = true;
        } finally {
            fd.end();
        }
    }

    /**
     * Shuts down the writing side: the peer reads end of stream, and can still send to this
     * socket. Later writes throw {@link SocketException}.
     */
    public void shutdownOutput() throws IOException {
        writeLock.lock(); // a write still in the ring must leave before the FIN
        try {
            beginIo();
            try {
                writeBehind.finish(writeTimeoutNanos, "Write timed out");
                SocketCalls.shutdown(fd.fd(), Sockets.SHUT_WR);
                outputShutdown = true;
            } finally {
                fd.end();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Sets TCP_NODELAY (disables Nagle's algorithm when on). */
    public void setTcpNoDelay(boolean on) throws IOException {
        setOption(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, on ? 1 : 0, "TCP_NODELAY");
    }

    /** Whether TCP_NODELAY is on. */
    public boolean tcpNoDelay() throws IOException {
        return getOption(Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, "TCP_NODELAY") != 0;
    }

    /** Sets SO_KEEPALIVE. */
    public void setKeepAlive(boolean on) throws IOException {
        setOption(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, on ? 1 : 0, "SO_KEEPALIVE");
    }

    /** Whether SO_KEEPALIVE is on. */
    public boolean keepAlive() throws IOException {
        return getOption(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, "SO_KEEPALIVE") != 0;
    }

    /**
     * Sets SO_RCVBUF (the kernel doubles the value for its bookkeeping and caps it at
     * {@code net.core.rmem_max}); set it before connecting for it to shape the TCP window.
     *
     * @throws IllegalArgumentException if {@code n <= 0}
     */
    public void setReceiveBufferSize(int n) throws IOException {
        if (n <= 0) {
            throw new IllegalArgumentException("receive buffer size must be > 0: " + n);
        }
        setOption(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, n, "SO_RCVBUF");
    }

    /** SO_RCVBUF as the kernel reports it. */
    public int receiveBufferSize() throws IOException {
        return getOption(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, "SO_RCVBUF");
    }

    /**
     * Sets SO_SNDBUF (doubled and capped by the kernel like SO_RCVBUF).
     *
     * @throws IllegalArgumentException if {@code n <= 0}
     */
    public void setSendBufferSize(int n) throws IOException {
        if (n <= 0) {
            throw new IllegalArgumentException("send buffer size must be > 0: " + n);
        }
        setOption(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, n, "SO_SNDBUF");
    }

    /** SO_SNDBUF as the kernel reports it. */
    public int sendBufferSize() throws IOException {
        return getOption(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, "SO_SNDBUF");
    }

    /** SO_LINGER 0: close() then resets the connection instead of a graceful FIN (for tests). */
    void setLingerZero() throws IOException {
        fd.begin();
        try {
            SocketCalls.setLinger(fd.fd(), 0);
        } finally {
            fd.end();
        }
    }

    /**
     * Runs {@code call} on this socket's fd number while no close can complete, for the calls this
     * class has no method of its own for (the {@code java.net} adapter's bind before connect,
     * SO_LINGER, SO_REUSEADDR, FIONREAD).
     *
     * @throws ClosedChannelException if closed
     */
    <T> T withFd(FdCall<T> call) throws IOException {
        fd.begin();
        try {
            return call.apply(fd.fd());
        } finally {
            fd.end();
        }
    }

    private void setOption(int level, int name, int value, String what) throws IOException {
        fd.begin();
        try {
            SocketCalls.setInt(fd.fd(), level, name, value, what);
        } finally {
            fd.end();
        }
    }

    private int getOption(int level, int name, String what) throws IOException {
        fd.begin();
        try {
            return SocketCalls.getInt(fd.fd(), level, name, what);
        } finally {
            fd.end();
        }
    }

    // ---------------------------------------------------------------- addresses, lifecycle

    /**
     * The local address, or null if the socket is not bound (not connected yet) or was closed
     * before the address was first asked for.
     */
    public InetSocketAddress localAddress() {
        InetSocketAddress a = local;
        if (a != null || connectState != CONNECTED) {
            return a;
        }
        try {
            fd.begin();
        } catch (ClosedChannelException e) {
            return null;
        }
        try {
            a = SocketCalls.localAddress(fd.fd());
            local = a;
            return a;
        } catch (SocketException e) {
            return null;
        } finally {
            fd.end();
        }
    }

    /** The peer's address, or null if not connected. Still known after close. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** True until {@link #close()} starts. */
    @Override
    public boolean isOpen() {
        return !fd.isClosing();
    }

    /**
     * The socket's fd number, for what this class does not offer: a socket option through your own
     * {@code setsockopt} downcall, or awaiting this socket together with other fds on an
     * {@link IoScheduler}.
     *
     * <p>The fd stays owned by this socket: it is valid until {@link #close()} starts, and the
     * caller must not close it, clear its {@code O_NONBLOCK} flag, or keep using the number after
     * close (the kernel reuses fd numbers). Bytes read or written through the fd directly bypass
     * this socket's timeouts and interleave with its own calls. {@code close()} wakes only this
     * socket's own blocked calls: cancel your own awaits on the fd with
     * {@link IoScheduler#cancel(int)} before closing.
     *
     * @return the fd number
     * @throws ClosedChannelException if close has started
     */
    public int fd() throws ClosedChannelException {
        if (fd.isClosing()) {
            throw fd.closedException();
        }
        return fd.fd();
    }

    /**
     * Closes the socket: wakes threads blocked in it with {@link AsynchronousCloseException},
     * waits until they have left their syscalls, then closes the fd. Idempotent.
     *
     * <p>A write that returned while its bytes were still queued in the ring (write-behind, see
     * {@link IoScheduler#writesBehind()}) is first given the write timeout, or at most 5 seconds,
     * to be sent, as that write would have waited for the peer; after that it is cancelled. A close
     * while another thread is writing does not wait.
     */
    @Override
    public void close() throws IOException {
        if (writeLock.tryLock()) {
            try {
                if (writeBehind.hasPending()) {
                    writeBehind.finishBeforeClose(writeTimeoutNanos);
                }
            } finally {
                writeLock.unlock();
            }
        }
        fd.close();
    }

    /** The socket's native buffers, for tests. */
    SocketMemory memory() {
        return fd.memory();
    }

    @Override
    public String toString() {
        return "TcpSocket[" + (remote != null ? "remote=" + remote + ", " : "") + fd + "]";
    }

    private void beginIo() throws ClosedChannelException {
        fd.begin();
        if (connectState != CONNECTED) {
            fd.end();
            throw new NotYetConnectedException();
        }
    }

    static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return 0; // beyond ~292 years: no timeout
        }
    }
}
