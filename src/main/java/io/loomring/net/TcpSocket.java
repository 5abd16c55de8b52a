package io.loomring.net;

import io.loomring.socket.SocketFd;
import io.loomring.socket.SocketInputStream;
import io.loomring.socket.SocketMemory;
import io.loomring.socket.SocketOutputStream;
import io.loomring.socket.StreamContract;
import io.loomring.socket.StreamSocket;
import io.loomring.socket.TcpOption;
import io.loomring.IoScheduler;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    private final StreamSocket core;
    private final InputStream inputStream;
    private final OutputStream outputStream;

    /** The face of {@code core}, which it owns from now on. */
    TcpSocket(StreamSocket core) {
        this.core = core;
        StreamContract contract = StreamContract.channel(core);
        this.inputStream = new SocketInputStream(core.reader(), contract);
        this.outputStream = new SocketOutputStream(core.writer(), contract);
    }

    /**
     * Connects to {@code address} without a timeout of its own (the kernel gives up after its SYN
     * retries), on the {@linkplain IoScheduler#shared() shared} scheduler.
     *
     * @param address where to connect (resolved)
     * @return the connected socket
     * @throws IOException as {@link #connect(InetSocketAddress, Duration, IoScheduler)}
     */
    public static TcpSocket connect(InetSocketAddress address) throws IOException {
        return connect(address, Duration.ZERO, IoScheduler.shared());
    }

    /**
     * Connects to {@code address} on the {@linkplain IoScheduler#shared() shared} scheduler.
     *
     * @param address where to connect (resolved)
     * @param timeout how long to wait for the connection; zero for no timeout of its own
     * @return the connected socket
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
     * @return the connected socket
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
            socket.core.closeQuietly();
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
     * @return the new, unconnected socket
     * @throws UnsupportedOperationException for another family
     * @throws IOException                   if the kernel cannot create the socket (for example
     *                                       {@code EMFILE}: too many open files)
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
        return new TcpSocket(StreamSocket.open(af, scheduler));
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
        core.connect(Objects.requireNonNull(address, "address"), SocketFd.timeoutNanos(timeout));
    }

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
        return core.reader().read(dst);
    }

    /**
     * Reads up to {@code len} bytes into {@code b}, parking until at least one byte arrives.
     *
     * @param b   the array to read into
     * @param off where in {@code b} the bytes go
     * @param len the most bytes to read
     * @return bytes read, 0 if {@code len} is 0, -1 at end of stream
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} are out of {@code b}'s bounds
     * @throws IOException               as {@link #read(ByteBuffer)}
     */
    public int read(byte[] b, int off, int len) throws IOException {
        return core.reader().read(b, off, len);
    }

    /**
     * Scattering read: with direct buffers one {@code readv}; with heap buffers it fills the first
     * buffer that has room (a scattering read may always return fewer bytes).
     *
     * @return bytes read, 0 if no buffer has room, -1 at end of stream
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return core.reader().read(dsts, offset, length);
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

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
        return core.writer().write(src);
    }

    /**
     * Writes {@code len} bytes of {@code b} from {@code off}, parking while the socket buffer is
     * full.
     *
     * @param b   the array holding the bytes
     * @param off where in {@code b} the bytes start
     * @param len how many bytes to write
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} are out of {@code b}'s bounds
     * @throws IOException               as {@link #write(ByteBuffer)}
     */
    public void write(byte[] b, int off, int len) throws IOException {
        core.writer().write(b, off, len);
    }

    /**
     * Gathering write of everything in the buffers: {@code sendmsg} when all are direct, one
     * buffer after the other otherwise.
     *
     * @return the bytes written (all that remained)
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return core.writer().write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * An {@link InputStream} over this socket (the same one on every call). Closing it closes the
     * socket. {@code available()} is always 0.
     *
     * @return the socket's input stream
     */
    public InputStream inputStream() {
        return inputStream;
    }

    /**
     * An {@link OutputStream} over this socket (the same one on every call). Writes are unbuffered;
     * closing it closes the socket.
     *
     * @return the socket's output stream
     */
    public OutputStream outputStream() {
        return outputStream;
    }

    /**
     * How long a read may park before it fails with {@link SocketTimeoutException} (the socket
     * stays usable). Zero (the default) means no timeout.
     *
     * @param timeout the read timeout; zero for none
     * @throws IllegalArgumentException if negative
     */
    public void setReadTimeout(Duration timeout) {
        core.reader().setTimeout(SocketFd.timeoutNanos(timeout));
    }

    /**
     * How long a write may go without progress (socket buffer full) before it fails with
     * {@link SocketTimeoutException}; part of the data may have been sent by then. Zero (the
     * default) means no timeout.
     *
     * @param timeout the write timeout; zero for none
     * @throws IllegalArgumentException if negative
     */
    public void setWriteTimeout(Duration timeout) {
        core.writer().setTimeout(SocketFd.timeoutNanos(timeout));
    }

    /**
     * Shuts down the reading side: later reads, and a read blocked now, return end of stream (-1).
     *
     * @throws NotYetConnectedException if not connected
     * @throws IOException              if closed ({@link ClosedChannelException}), or the kernel
     *                                  refuses
     */
    public void shutdownInput() throws IOException {
        core.reader().shutdown();
    }

    /**
     * Shuts down the writing side: the peer reads end of stream, and can still send to this
     * socket. Later writes throw {@link SocketException}.
     *
     * @throws NotYetConnectedException if not connected
     * @throws IOException              if closed ({@link ClosedChannelException}), if bytes written
     *                                  behind could not be sent (as {@link #write(ByteBuffer)}), or
     *                                  the kernel refuses
     */
    public void shutdownOutput() throws IOException {
        core.writer().shutdown();
    }

    /**
     * Sets TCP_NODELAY: when on, small writes go out at once instead of waiting for the peer to
     * acknowledge earlier data (Nagle's algorithm off).
     *
     * @param on whether TCP_NODELAY is on
     * @throws IOException if closed ({@link ClosedChannelException}), or the kernel refuses
     */
    public void setTcpNoDelay(boolean on) throws IOException {
        core.setOption(TcpOption.TCP_NODELAY, on ? 1 : 0);
    }

    /**
     * {@return whether TCP_NODELAY is on}
     *
     * @throws IOException if closed ({@link ClosedChannelException}), or the kernel refuses
     */
    public boolean tcpNoDelay() throws IOException {
        return core.getOption(TcpOption.TCP_NODELAY) != 0;
    }

    /**
     * Sets SO_KEEPALIVE: when on, the kernel probes a connection that has been idle for a while
     * ({@code net.ipv4.tcp_keepalive_time}, two hours by default) and drops it when the peer does
     * not answer.
     *
     * @param on whether SO_KEEPALIVE is on
     * @throws IOException if closed ({@link ClosedChannelException}), or the kernel refuses
     */
    public void setKeepAlive(boolean on) throws IOException {
        core.setOption(TcpOption.SO_KEEPALIVE, on ? 1 : 0);
    }

    /**
     * {@return whether SO_KEEPALIVE is on}
     *
     * @throws IOException if closed ({@link ClosedChannelException}), or the kernel refuses
     */
    public boolean keepAlive() throws IOException {
        return core.getOption(TcpOption.SO_KEEPALIVE) != 0;
    }

    /**
     * Sets SO_RCVBUF (the kernel doubles the value for its bookkeeping and caps it at
     * {@code net.core.rmem_max}); set it before connecting for it to shape the TCP window.
     *
     * @param n the receive buffer size in bytes
     * @throws IllegalArgumentException if {@code n <= 0}
     * @throws IOException              if closed ({@link ClosedChannelException}), or the kernel
     *                                  refuses
     */
    public void setReceiveBufferSize(int n) throws IOException {
        if (n <= 0) {
            throw new IllegalArgumentException("receive buffer size must be > 0: " + n);
        }
        core.setOption(TcpOption.SO_RCVBUF, n);
    }

    /**
     * {@return SO_RCVBUF in bytes, as the kernel reports it (doubled, see {@link #setReceiveBufferSize})}
     *
     * @throws IOException if closed ({@link ClosedChannelException}), or the kernel refuses
     */
    public int receiveBufferSize() throws IOException {
        return core.getOption(TcpOption.SO_RCVBUF);
    }

    /**
     * Sets SO_SNDBUF (doubled and capped by the kernel like SO_RCVBUF).
     *
     * @param n the send buffer size in bytes
     * @throws IllegalArgumentException if {@code n <= 0}
     * @throws IOException              if closed ({@link ClosedChannelException}), or the kernel
     *                                  refuses
     */
    public void setSendBufferSize(int n) throws IOException {
        if (n <= 0) {
            throw new IllegalArgumentException("send buffer size must be > 0: " + n);
        }
        core.setOption(TcpOption.SO_SNDBUF, n);
    }

    /**
     * {@return SO_SNDBUF in bytes, as the kernel reports it (doubled, see {@link #setSendBufferSize})}
     *
     * @throws IOException if closed ({@link ClosedChannelException}), or the kernel refuses
     */
    public int sendBufferSize() throws IOException {
        return core.getOption(TcpOption.SO_SNDBUF);
    }

    void setLingerZero() throws IOException {
        core.setOption(TcpOption.SO_LINGER, 0);
    }

    /**
     * The local address, or null if the socket is not bound (not connected yet) or was closed
     * before the address was first asked for.
     *
     * @return the local address, or null
     */
    public InetSocketAddress localAddress() {
        return core.localAddress();
    }

    /** {@return the peer's address, or null if not connected; still known after close} */
    public InetSocketAddress remoteAddress() {
        return core.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return core.isOpen();
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
     * {@link IoScheduler#cancel(int)} before closing. Since an await on the fd cannot see bytes
     * waiting in a ring's buffers, asking for the fd ends this socket's use of multishot receives
     * ({@link IoScheduler.Builder#multishotReceive}) from its next read on: ask before the first
     * read, or bytes received before may still come from those buffers.
     *
     * @return the fd number
     * @throws ClosedChannelException if close has started
     */
    public int fd() throws ClosedChannelException {
        core.reader().noMultishot();
        return core.fd();
    }

    /** Bytes a multishot receive holds for this socket in its ring's buffers, not yet read (for tests). */
    long bytesInRingBuffers() {
        return core.reader().queuedBytes();
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
        core.close();
    }

    SocketMemory memory() {
        return core.memory();
    }

    @Override
    public String toString() {
        return core.toString();
    }
}
