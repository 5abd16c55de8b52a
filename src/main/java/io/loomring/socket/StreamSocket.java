package io.loomring.socket;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/**
 * One TCP connection, as every face sees it ({@code TcpSocket}, the {@code java.net}
 * {@code LoomringSocketImpl}): the fd and its close protocol ({@link SocketFd}), the connect
 * ({@link SocketConnector}), the reading and writing sides ({@link SocketReader},
 * {@link SocketWriter}, both over one {@link RingSocketIo}), and the options of the one table
 * ({@link TcpOption}). Its calls throw the channel-style exceptions {@code TcpSocket} documents;
 * a face that promises other ones translates them, and gives its streams a
 * {@link StreamContract} to do the same. A new face holds a core and adds only its own contract.
 */
public final class StreamSocket {
    private final SocketFd fd;
    private final int family;
    private final SocketConnector connector;
    private final SocketReader reader;
    private final SocketWriter writer;
    private volatile SocketAddress local;

    private StreamSocket(int fd, int family, IoScheduler scheduler, SocketAddress remote, String owner) {
        this.fd = new SocketFd(fd, scheduler, owner);
        this.family = family;
        this.connector = new SocketConnector(this.fd, family, remote);
        RingSocketIo ring = new RingSocketIo(this.fd);
        this.reader = new SocketReader(this.fd, connector, ring);
        this.fd.onClosed(reader::afterClose);
        this.writer = new SocketWriter(this.fd, connector, ring);
    }

    /** A new unconnected socket of {@code family} ({@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}). */
    public static StreamSocket open(int family, IoScheduler scheduler) throws SocketException {
        return open(family, scheduler, "TcpSocket");
    }

    /** {@link #open(int, IoScheduler)}, named as {@code owner} in its messages ("SocketChannel"). */
    public static StreamSocket open(int family, IoScheduler scheduler, String owner) throws SocketException {
        return new StreamSocket(SocketCalls.newStreamSocket(family), family, scheduler, null, owner);
    }

    /** Wraps an fd returned by accept4 (already non-blocking), named as {@code owner} in its messages. */
    public static StreamSocket accepted(int fd, int family, IoScheduler scheduler, SocketAddress remote, String owner) {
        return new StreamSocket(fd, family, scheduler, remote, owner);
    }

    /** The address family: {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}. */
    public int family() {
        return family;
    }

    /** Connects, parking at most {@code timeoutNanos} (0: no limit); closes the socket on failure. */
    public void connect(SocketAddress address, long timeoutNanos) throws IOException {
        connector.connect(address, timeoutNanos);
    }

    /** The connection state and the non-blocking connect ({@link SocketConnector#connectNow}). */
    public SocketConnector connector() {
        return connector;
    }

    public SocketReader reader() {
        return reader;
    }

    public SocketWriter writer() {
        return writer;
    }

    /** Sets {@code option} on the socket. */
    public void setOption(TcpOption option, int value) throws IOException {
        withFd(fd -> {
            option.set(fd, family, value);
            return null;
        });
    }

    /** The value of {@code option}. */
    public int getOption(TcpOption option) throws IOException {
        return withFd(fd -> option.get(fd, family));
    }

    /**
     * Runs {@code call} on the fd number while no close can complete, for the calls the core has no
     * method of its own for (the {@code java.net} adapter's bind before connect, FIONREAD).
     *
     * @throws ClosedChannelException if closed
     */
    public <T> T withFd(FdCall<T> call) throws IOException {
        fd.begin();
        try {
            return call.apply(fd.fd());
        } finally {
            fd.end();
        }
    }

    /**
     * The local address, or null if the socket is not bound (not connected yet) or was closed
     * before the address was first asked for.
     */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) localSocketAddress();
    }

    /** {@link #localAddress()} for any family: a {@code UnixDomainSocketAddress} for {@code AF_UNIX}. */
    public SocketAddress localSocketAddress() {
        SocketAddress a = local;
        if (a != null || !connector.isConnected()) {
            return a;
        }
        try {
            fd.begin();
        } catch (ClosedChannelException e) {
            return null;
        }
        try {
            a = SocketAddresses.local(fd.fd(), family);
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
        return (InetSocketAddress) connector.remote();
    }

    /** {@link #remoteAddress()} for any family. */
    public SocketAddress remoteSocketAddress() {
        return connector.remote();
    }

    /** True until close starts. */
    public boolean isOpen() {
        return !fd.isClosing();
    }

    /**
     * The fd number, for callers that make their own calls on it.
     *
     * @throws ClosedChannelException if close has started
     */
    public int fd() throws ClosedChannelException {
        if (fd.isClosing()) {
            throw fd.closedException();
        }
        return fd.fd();
    }

    /**
     * Closes the socket: a write still in the ring is given its chance to leave first
     * ({@link SocketWriter#beforeClose}), then the fd closes once every thread has left it
     * ({@link SocketFd#close}). Idempotent.
     */
    public void close() throws IOException {
        writer.beforeClose();
        fd.close();
    }

    /** Closes the fd, without waiting for a write behind and without reporting a failure. */
    public void closeQuietly() {
        fd.closeQuietly();
    }

    /** The fd and its close protocol, for a face that awaits it itself (a selector's readiness, a poll). */
    public SocketFd socketFd() {
        return fd;
    }

    /** The socket's native buffers, for tests. */
    public SocketMemory memory() {
        return fd.memory();
    }

    /** Named as users know the socket: {@code "TcpSocket[remote=/127.0.0.1:7000, fd=9]"}. */
    @Override
    public String toString() {
        SocketAddress remote = connector.remote();
        return fd.owner() + "[" + (remote != null ? "remote=" + remote + ", " : "") + fd + "]";
    }
}
