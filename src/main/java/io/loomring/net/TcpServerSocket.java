package io.loomring.net;

import io.loomring.IoScheduler;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;

/**
 * A listening TCP socket whose {@link #accept()} parks the calling (virtual) thread until a
 * connection arrives. Accepted sockets wait on the same {@link IoScheduler}.
 *
 * <pre>{@code
 * try (TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     int port = server.localAddress().getPort();
 *     TcpSocket s = server.accept();
 * }
 * }</pre>
 *
 * <p>Several threads may accept at once. {@link #close()} from any thread wakes them with
 * {@link AsynchronousCloseException} and closes the fd once they have left; later calls throw
 * {@link ClosedChannelException}. Interrupting a thread blocked in {@code accept} closes the server
 * socket and throws {@link ClosedByInterruptException}.
 */
public final class TcpServerSocket implements Closeable {
    /** Backlog of {@link #bind(InetSocketAddress)}; the kernel caps it at {@code net.core.somaxconn}. */
    public static final int DEFAULT_BACKLOG = 1024;

    private final SocketFd fd;
    private final int family;
    private final InetSocketAddress localAddress;

    private TcpServerSocket(SocketFd fd, int family, InetSocketAddress localAddress) {
        this.fd = fd;
        this.family = family;
        this.localAddress = localAddress;
    }

    /**
     * Binds to {@code address} (port 0 picks a free port) with a backlog of
     * {@value #DEFAULT_BACKLOG}, SO_REUSEADDR on, on the {@linkplain IoScheduler#shared() shared}
     * scheduler.
     *
     * @throws java.net.BindException if the address is in use or cannot be assigned
     */
    public static TcpServerSocket bind(InetSocketAddress address) throws IOException {
        return bind(address, DEFAULT_BACKLOG, false, IoScheduler.shared());
    }

    /**
     * Binds to {@code address} and listens. SO_REUSEADDR is always on (a restarted server can bind
     * while old connections linger in TIME_WAIT).
     *
     * @param address   the local address (port 0 picks a free port)
     * @param backlog   the listen backlog (capped by the kernel at {@code net.core.somaxconn})
     * @param reusePort SO_REUSEPORT: several sockets may bind the same address, and the kernel
     *                  spreads connections among them
     * @param scheduler the scheduler this socket and the sockets it accepts wait on
     * @throws IllegalArgumentException if {@code backlog < 1}
     * @throws UnknownHostException     if {@code address} is unresolved
     * @throws java.net.BindException   if the address is in use or cannot be assigned
     */
    public static TcpServerSocket bind(InetSocketAddress address, int backlog, boolean reusePort,
                                       IoScheduler scheduler) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scheduler, "scheduler");
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1: " + backlog);
        }
        if (address.isUnresolved()) {
            throw new UnknownHostException(address.getHostString());
        }
        int family = Sockets.family(address.getAddress());
        int fdNum = SocketCalls.newTcpSocket(family);
        SocketFd fd = new SocketFd(fdNum, scheduler, "TcpServerSocket");
        try {
            SocketCalls.setInt(fdNum, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1, "SO_REUSEADDR");
            if (reusePort) {
                SocketCalls.setInt(fdNum, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            SocketCalls.bindAndListen(fdNum, family, address, backlog);
            return new TcpServerSocket(fd, family, SocketCalls.localAddress(fdNum));
        } catch (Throwable t) {
            fd.closeQuietly();
            throw t;
        }
    }

    /**
     * Accepts a connection, parking the calling thread until one arrives.
     *
     * @throws ClosedChannelException     if closed
     * @throws AsynchronousCloseException if closed by another thread meanwhile
     */
    public TcpSocket accept() throws IOException {
        return accept(0);
    }

    /**
     * Accepts a connection, parking at most {@code timeout} (zero: no limit).
     *
     * @throws SocketTimeoutException   if no connection arrived in time
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public TcpSocket accept(Duration timeout) throws IOException {
        return accept(TcpSocket.timeoutNanos(timeout));
    }

    private TcpSocket accept(long timeoutNanos) throws IOException {
        fd.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            MemorySegment addrLen = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment capture = Native.threadCaptureState();
            long deadline = -1;
            for (;;) {
                addrLen.set(ValueLayout.JAVA_INT, 0, Sockets.SOCKADDR_STORAGE_SIZE);
                int r = Sockets.accept4(capture, fd.fd(), addr, addrLen,
                        Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
                if (r >= 0) {
                    return accepted(r, addr);
                }
                int err = -r;
                if (err == Errno.EAGAIN) {
                    if (deadline < 0) {
                        deadline = SocketFd.deadline(timeoutNanos);
                    }
                    fd.await(true, deadline, "Accept timed out");
                } else if (!isTransient(err)) {
                    fd.checkNotClosing();
                    throw new SocketException("accept failed: " + SocketErrors.describe(err));
                }
            }
        } finally {
            fd.end();
        }
    }

    private TcpSocket accepted(int newFd, MemorySegment addr) {
        try {
            return TcpSocket.accepted(newFd, family, fd.scheduler(), Sockets.decode(addr));
        } catch (RuntimeException | Error e) {
            io.loomring.ffm.LibC.close(Native.threadCaptureState(), newFd);
            throw e;
        }
    }

    /** Errors accept(2) reports for the pending connection, not the listener: try the next one. */
    private static boolean isTransient(int errno) {
        return switch (errno) {
            case Errno.EINTR, Errno.ECONNABORTED, SocketErrors.EPROTO, SocketErrors.ENETDOWN,
                 SocketErrors.EHOSTDOWN, Errno.EHOSTUNREACH, Errno.ENETUNREACH, Errno.EOPNOTSUPP -> true;
            default -> false;
        };
    }

    /**
     * Runs {@code call} on the listening fd number while no close can complete, for the options
     * this class has no method of its own for (the {@code java.net} adapter's SO_RCVBUF and
     * SO_REUSEADDR).
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

    /** The bound address (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** True once {@link #close()} has started. */
    public boolean isClosed() {
        return fd.isClosing();
    }

    /**
     * The listening socket's fd number: await it with {@link IoScheduler#awaitReadable(int)} to
     * learn that a connection is pending without accepting it (then {@link #accept()}), or pass it
     * to your own {@code setsockopt} downcall.
     *
     * <p>The fd stays owned by this server socket: it is valid until {@link #close()} starts, and
     * the caller must not close it, clear its {@code O_NONBLOCK} flag, or keep using the number
     * after close. {@code close()} wakes only this socket's own {@code accept} calls: cancel your
     * own awaits on the fd with {@link IoScheduler#cancel(int)} before closing.
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
     * Stops listening: wakes blocked acceptors with {@link AsynchronousCloseException}, waits until
     * they have left, then closes the fd. Connections already accepted stay open. Idempotent.
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "TcpServerSocket[" + localAddress + ", " + fd + "]";
    }
}
