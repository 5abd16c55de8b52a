package io.loomring.net;

import io.loomring.socket.ListeningSocket;
import io.loomring.socket.SocketFd;
import io.loomring.IoScheduler;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
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
    private final ListeningSocket core;

    private TcpServerSocket(ListeningSocket core) {
        this.core = core;
    }

    /**
     * Binds to {@code address} (port 0 picks a free port) with a backlog of
     * {@value #DEFAULT_BACKLOG}, SO_REUSEADDR on, on the {@linkplain IoScheduler#shared() shared}
     * scheduler.
     *
     * @param address the local address (port 0 picks a free port)
     * @return the listening socket
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
     * @return the listening socket
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
        return new TcpServerSocket(ListeningSocket.bind(address, backlog, reusePort, scheduler));
    }

    /**
     * Accepts a connection, parking the calling thread until one arrives.
     *
     * @return the accepted connection, on this server socket's scheduler
     * @throws ClosedChannelException     if closed
     * @throws AsynchronousCloseException if closed by another thread meanwhile
     */
    public TcpSocket accept() throws IOException {
        return new TcpSocket(core.accept(0));
    }

    /**
     * Accepts a connection, parking at most {@code timeout} (zero: no limit).
     *
     * @param timeout the longest time to park; zero for no limit
     * @return the accepted connection, on this server socket's scheduler
     * @throws SocketTimeoutException   if no connection arrived in time
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public TcpSocket accept(Duration timeout) throws IOException {
        return new TcpSocket(core.accept(SocketFd.timeoutNanos(timeout)));
    }

    /** {@return the bound address, with the port the kernel chose when bound to port 0} */
    public InetSocketAddress localAddress() {
        return core.localAddress();
    }

    /** {@return true once {@link #close()} has started} */
    public boolean isClosed() {
        return core.isClosing();
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
        return core.fd();
    }

    /**
     * Stops listening: wakes blocked acceptors with {@link AsynchronousCloseException}, waits until
     * they have left, then closes the fd. Connections already accepted stay open. Idempotent.
     */
    @Override
    public void close() throws IOException {
        core.close();
    }

    @Override
    public String toString() {
        return core.toString();
    }
}
