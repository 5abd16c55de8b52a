package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.IoScheduler;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import io.loomring.jfr.SocketAcceptEvent;
import io.loomring.jfr.SocketEvents;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/**
 * One listening TCP socket, as every face sees it ({@code TcpServerSocket}, the {@code java.net}
 * {@code LoomringServerSocketImpl}): the fd and its close protocol ({@link SocketFd}), the accept
 * loop, and the options of the one table ({@link TcpOption}). An accepted connection is a
 * {@link StreamSocket} on the same scheduler, for the face to wrap.
 */
public final class ListeningSocket {
    private final SocketFd fd;
    private final int family;
    /** Null until bound. */
    private volatile SocketAddress localAddress;
    /** What an accepted socket is called in its messages. */
    private final String acceptedOwner;
    private final MultishotAcceptor multishot;

    private ListeningSocket(SocketFd fd, int family, SocketAddress localAddress, String acceptedOwner) {
        this.fd = fd;
        this.family = family;
        this.localAddress = localAddress;
        this.acceptedOwner = acceptedOwner;
        this.multishot = new MultishotAcceptor(fd);
        fd.onClosed(multishot::discard);
    }

    /**
     * Never accepts through a multishot accept: for a face whose readiness is read from the kernel
     * (a channel a selector watches). Call before the first accept.
     */
    public void noMultishot() {
        multishot.disallow();
    }

    /**
     * A socket of {@code family} ({@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}), not bound
     * yet: set its options, then {@link #bindAndListen}.
     */
    public static ListeningSocket open(int family, IoScheduler scheduler, String owner, String acceptedOwner)
            throws IOException {
        return new ListeningSocket(new SocketFd(SocketCalls.newStreamSocket(family), scheduler, owner), family, null,
                acceptedOwner);
    }

    /** Binds to {@code address} and listens. */
    public void bindAndListen(SocketAddress address, int backlog) throws IOException {
        fd.begin();
        try {
            SocketCalls.bindAndListen(fd.fd(), family, address, backlog);
            localAddress = SocketAddresses.local(fd.fd(), family);
        } finally {
            fd.end();
        }
    }

    /** The address family. */
    public int family() {
        return family;
    }

    /** The fd and its close protocol, for a face that awaits it or makes its own calls. */
    public SocketFd socketFd() {
        return fd;
    }

    /**
     * A socket bound to {@code address} (resolved) and listening, SO_REUSEADDR on.
     *
     * @throws java.net.BindException if the address is in use or cannot be assigned
     */
    public static ListeningSocket bind(InetSocketAddress address, int backlog, boolean reusePort, IoScheduler scheduler)
            throws IOException {
        int family = Sockets.family(address.getAddress());
        int fdNum = SocketCalls.newTcpSocket(family);
        SocketFd fd = new SocketFd(fdNum, scheduler, "TcpServerSocket");
        try {
            TcpOption.SO_REUSEADDR.set(fdNum, family, 1);
            if (reusePort) {
                TcpOption.SO_REUSEPORT.set(fdNum, family, 1);
            }
            SocketCalls.bindAndListen(fdNum, family, address, backlog);
            return new ListeningSocket(fd, family, SocketCalls.localAddress(fdNum), "TcpSocket");
        } catch (Throwable t) {
            fd.closeQuietly();
            throw t;
        }
    }

    /** Accepts a connection, parking at most {@code timeoutNanos} (0: no limit). */
    public StreamSocket accept(long timeoutNanos) throws IOException {
        return accept(true, timeoutNanos);
    }

    /**
     * Accepts a connection: with {@code blocking} parking at most {@code timeoutNanos} (0: no
     * limit) for one, without returning null when none is waiting.
     */
    public StreamSocket accept(boolean blocking, long timeoutNanos) throws IOException {
        SocketAcceptEvent event = SocketEvents.beginAccept();
        StreamSocket accepted = acceptOne(blocking, timeoutNanos);
        int localPort = localAddress instanceof InetSocketAddress inet ? inet.getPort() : 0;
        if (event != null && accepted != null
                && SocketEvents.endAccept(event, accepted.remoteSocketAddress(), localPort, timeoutNanos)) {
            event.commit();
        }
        return accepted;
    }

    private StreamSocket acceptOne(boolean blocking, long timeoutNanos) throws IOException {
        fd.begin();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            MemorySegment addrLen = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment capture = Native.threadCaptureState();
            IoRoute route = fd.route();
            StreamSocket taken = takeFromMultishot(route, blocking, timeoutNanos);
            if (taken != null) {
                return taken;
            }
            long deadline = -1;
            for (;;) {
                addrLen.set(ValueLayout.JAVA_INT, 0, Sockets.SOCKADDR_STORAGE_SIZE);
                int r = Sockets.accept4(capture, fd.fd(), addr, addrLen,
                        Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
                if (r >= 0) {
                    return accepted(r, addr, addrLen.get(ValueLayout.JAVA_INT, 0));
                }
                int err = -r;
                if (err == Errno.EAGAIN && !blocking) {
                    return null;
                }
                if (err == Errno.EAGAIN) {
                    if (deadline < 0) {
                        deadline = SocketFd.deadline(timeoutNanos);
                    }
                    fd.await(route, true, deadline, "Accept timed out");
                } else if (!isTransient(err)) {
                    fd.checkNotClosing();
                    throw new SocketException("accept failed: " + SocketErrors.describe(err));
                }
            }
        } finally {
            fd.end();
        }
    }

    /**
     * A connection a multishot accept took ({@link MultishotAcceptor}), or null when this accept
     * takes the ordinary path. A connection its peer reset before it was taken (its address is
     * gone) is closed, and the next one taken.
     */
    private StreamSocket takeFromMultishot(IoRoute route, boolean blocking, long timeoutNanos) throws IOException {
        long deadline = SocketFd.deadline(timeoutNanos);
        for (;;) {
            int newFd = multishot.accept(route, blocking, deadline);
            if (newFd == MultishotAcceptor.UNUSED) {
                return null;
            }
            SocketAddress remote;
            try {
                remote = SocketAddresses.peer(newFd, family);
            } catch (SocketException e) {
                LibC.close(Native.threadCaptureState(), newFd);
                continue;
            }
            try {
                return StreamSocket.accepted(newFd, family, fd.scheduler(), remote, acceptedOwner);
            } catch (RuntimeException | Error e) {
                LibC.close(Native.threadCaptureState(), newFd);
                throw e;
            }
        }
    }

    private StreamSocket accepted(int newFd, MemorySegment addr, int addrLen) {
        try {
            return StreamSocket.accepted(newFd, family, fd.scheduler(), SocketAddresses.decode(addr, addrLen, family),
                    acceptedOwner);
        } catch (RuntimeException | Error e) {
            LibC.close(Native.threadCaptureState(), newFd);
            throw e;
        }
    }

    /** Errors accept(2) reports for the pending connection, not the listener: try the next one. */
    static boolean isTransient(int errno) {
        return switch (errno) {
            case Errno.EINTR, Errno.ECONNABORTED, SocketErrors.EPROTO, SocketErrors.ENETDOWN,
                 SocketErrors.EHOSTDOWN, Errno.EHOSTUNREACH, Errno.ENETUNREACH, Errno.EOPNOTSUPP -> true;
            default -> false;
        };
    }

    /** Sets {@code option} on the listening socket. */
    public void setOption(TcpOption option, int value) throws IOException {
        fd.begin();
        try {
            option.set(fd.fd(), family, value);
        } finally {
            fd.end();
        }
    }

    /** The value of {@code option}. */
    public int getOption(TcpOption option) throws IOException {
        fd.begin();
        try {
            return option.get(fd.fd(), family);
        } finally {
            fd.end();
        }
    }

    /** The bound address (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) localAddress;
    }

    /** The bound address of any family, or null before {@link #bindAndListen}. */
    public SocketAddress localSocketAddress() {
        return localAddress;
    }

    /** True once close has started. */
    public boolean isClosing() {
        return fd.isClosing();
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

    /** Wakes blocked acceptors, waits until they have left, then closes the fd. Idempotent. */
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return fd.owner() + "[" + localAddress + ", " + fd + "]";
    }
}
