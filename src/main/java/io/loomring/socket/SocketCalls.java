package io.loomring.socket;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * The socket calls that are not on the data path (creation, options, addresses). Each allocates
 * its few bytes of native memory in a confined arena for the call.
 */
public final class SocketCalls {
    private SocketCalls() {}

    /** A new non-blocking, close-on-exec TCP socket of {@code family}. */
    public static int newTcpSocket(int family) throws SocketException {
        return newStreamSocket(family);
    }

    /**
     * A new non-blocking, close-on-exec stream socket of {@code family}: TCP for {@code AF_INET}
     * and {@code AF_INET6}, a UNIX-domain stream socket for {@code AF_UNIX}.
     */
    public static int newStreamSocket(int family) throws SocketException {
        int fd = newSocket(family, Sockets.SOCK_STREAM);
        if (fd < 0) {
            throw new SocketException("socket() failed: " + SocketErrors.describe(-fd));
        }
        return fd;
    }

    /**
     * A new non-blocking, close-on-exec UDP socket of {@code family}; an IPv6 one is dual-stack
     * (IPV6_V6ONLY off), as the JDK's are.
     *
     * @throws UnsupportedOperationException "IPv6 not available" (the JDK's words) when this host
     *                                       has no IPv6
     */
    public static int newUdpSocket(int family) throws SocketException {
        int fd = newSocket(family, Sockets.SOCK_DGRAM);
        if (fd == -SocketErrors.EAFNOSUPPORT && family == Sockets.AF_INET6) {
            throw new UnsupportedOperationException("IPv6 not available");
        }
        if (fd < 0) {
            throw new SocketException("socket() failed: " + SocketErrors.describe(-fd));
        }
        if (family == Sockets.AF_INET6) {
            try {
                setInt(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
            } catch (SocketException e) {
                LibC.close(Native.threadCaptureState(), fd);
                throw e;
            }
        }
        return fd;
    }

    private static int newSocket(int family, int type) {
        return Sockets.socket(Native.threadCaptureState(), family,
                type | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
    }

    public static void setInt(int fd, int level, int name, int value, String what) throws SocketException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
            int r = Sockets.setsockopt(Native.threadCaptureState(), fd, level, name, v, 4);
            if (r < 0) {
                throw new SocketException("setsockopt(" + what + ") failed: " + SocketErrors.describe(-r));
            }
        }
    }

    public static int getInt(int fd, int level, int name, String what) throws SocketException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 4);
            int r = Sockets.getsockopt(Native.threadCaptureState(), fd, level, name, v, len);
            if (r < 0) {
                throw new SocketException("getsockopt(" + what + ") failed: " + SocketErrors.describe(-r));
            }
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** SO_LINGER on with {@code seconds} (0: close sends RST); {@code seconds < 0} turns it off. */
    public static void setLinger(int fd, int seconds) throws SocketException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Sockets.LINGER_SIZE, 4);
            v.set(ValueLayout.JAVA_INT, 0, seconds < 0 ? 0 : 1);
            v.set(ValueLayout.JAVA_INT, 4, Math.max(seconds, 0));
            int r = Sockets.setsockopt(Native.threadCaptureState(), fd, Sockets.SOL_SOCKET, Sockets.SO_LINGER,
                    v, Sockets.LINGER_SIZE);
            if (r < 0) {
                throw new SocketException("setsockopt(SO_LINGER) failed: " + SocketErrors.describe(-r));
            }
        }
    }

    /** SO_LINGER's interval in seconds, or -1 when off. */
    public static int linger(int fd) throws SocketException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Sockets.LINGER_SIZE, 4);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, Sockets.LINGER_SIZE);
            int r = Sockets.getsockopt(Native.threadCaptureState(), fd, Sockets.SOL_SOCKET, Sockets.SO_LINGER,
                    v, len);
            if (r < 0) {
                throw new SocketException("getsockopt(SO_LINGER) failed: " + SocketErrors.describe(-r));
            }
            return v.get(ValueLayout.JAVA_INT, 0) == 0 ? -1 : v.get(ValueLayout.JAVA_INT, 4);
        }
    }

    /**
     * The traffic class: IPV6_TCLASS on an IPv6 socket (and IP_TOS too, for the IPv4 traffic of a
     * dual-stack socket, as the JDK does), IP_TOS on an IPv4 socket.
     */
    public static void setTrafficClass(int fd, int family, int tc) throws SocketException {
        if (family == Sockets.AF_INET6) {
            setInt(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_TCLASS, tc, "IPV6_TCLASS");
            try {
                setInt(fd, Sockets.IPPROTO_IP, Sockets.IP_TOS, tc, "IP_TOS");
            } catch (SocketException ignored) {
                // an IPv6-only socket has no IPv4 traffic to mark
            }
        } else {
            setInt(fd, Sockets.IPPROTO_IP, Sockets.IP_TOS, tc, "IP_TOS");
        }
    }

    /** The traffic class, as {@link #setTrafficClass} sets it. */
    public static int trafficClass(int fd, int family) throws SocketException {
        return family == Sockets.AF_INET6
                ? getInt(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_TCLASS, "IPV6_TCLASS")
                : getInt(fd, Sockets.IPPROTO_IP, Sockets.IP_TOS, "IP_TOS");
    }

    /** The pending socket error (SO_ERROR), cleared by reading it. */
    public static int takeSocketError(int fd) throws SocketException {
        return getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR, "SO_ERROR");
    }

    /** getsockname. */
    public static InetSocketAddress localAddress(int fd) throws SocketException {
        return address(fd, true);
    }

    /** getpeername. */
    public static InetSocketAddress peerAddress(int fd) throws SocketException {
        return address(fd, false);
    }

    private static InetSocketAddress address(int fd, boolean local) throws SocketException {
        return (InetSocketAddress) (local ? SocketAddresses.local(fd, Sockets.AF_INET6)
                : SocketAddresses.peer(fd, Sockets.AF_INET6));
    }

    /** Binds and listens. */
    public static void bindAndListen(int fd, int family, SocketAddress address, int backlog) throws IOException {
        SocketAddresses.bind(fd, family, address);
        int r = Sockets.listen(Native.threadCaptureState(), fd, backlog);
        if (r < 0) {
            throw SocketErrors.bind(-r, address);
        }
    }

    /**
     * connect(2) of a datagram socket, which completes at once (it only sets the peer), or, with
     * {@code address} null, dissolves the association (connect to an {@code AF_UNSPEC} address).
     */
    public static void connectDatagram(int fd, int family, InetSocketAddress address) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8); // zeroed: AF_UNSPEC
            int len = address == null ? Sockets.SOCKADDR_IN_SIZE : Sockets.encode(address, family, addr);
            int r = Sockets.connect(Native.threadCaptureState(), fd, addr, len);
            if (r < 0) {
                throw address == null
                        ? new SocketException("disconnect failed: " + SocketErrors.describe(-r))
                        : SocketErrors.connect(-r, address);
            }
        }
    }

    /** shutdown(2); ENOTCONN (the peer is gone already) is not an error. */
    public static void shutdown(int fd, int how) throws SocketException {
        int r = Sockets.shutdown(Native.threadCaptureState(), fd, how);
        if (r < 0 && r != -Errno.ENOTCONN) {
            throw new SocketException("shutdown failed: " + SocketErrors.describe(-r));
        }
    }

    /** Bytes readable without blocking (ioctl FIONREAD). */
    public static int available(int fd) throws SocketException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            int r = Sockets.bytesReadable(Native.threadCaptureState(), fd, n);
            if (r < 0) {
                throw new SocketException("ioctl(FIONREAD) failed: " + SocketErrors.describe(-r));
            }
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }
}
