package io.loomring.net;

import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * The socket calls the {@code java.net} adapter needs and {@link TcpSocket} has no method for:
 * bind before connect, SO_LINGER with any interval or off, IP_TOS / IPV6_TCLASS, FIONREAD.
 */
final class JavaNetCalls {
    private JavaNetCalls() {}

    private static final int SYS_IOCTL = 16;
    private static final int FIONREAD = 0x541B;
    private static final int IPPROTO_IP = 0;
    private static final int IP_TOS = 1;
    private static final int IPV6_TCLASS = 67;
    static final int SO_OOBINLINE = 10;

    /** Whether this JVM can open IPv6 sockets (and was not told {@code java.net.preferIPv4Stack}). */
    static final boolean IPV6 = probeIpv6();

    private static boolean probeIpv6() {
        if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
            return false;
        }
        int fd = Sockets.socket(Native.threadCaptureState(), Sockets.AF_INET6,
                Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        LibC.close(Native.threadCaptureState(), fd);
        return true;
    }

    /** bind(2) of an unconnected socket of {@code family} to {@code address}. */
    static void bind(int fd, int family, InetSocketAddress address) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            int len = Sockets.encode(address, family, addr);
            int r = Sockets.bind(Native.threadCaptureState(), fd, addr, len);
            if (r < 0) {
                throw SocketErrors.bind(-r, address);
            }
        }
    }

    /** SO_LINGER: {@code seconds < 0} turns it off. */
    static void setLinger(int fd, int seconds) throws SocketException {
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
    static int linger(int fd) throws SocketException {
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
    static void setTrafficClass(int fd, int family, int tc) throws SocketException {
        if (family == Sockets.AF_INET6) {
            SocketCalls.setInt(fd, Sockets.IPPROTO_IPV6, IPV6_TCLASS, tc, "IPV6_TCLASS");
            try {
                SocketCalls.setInt(fd, IPPROTO_IP, IP_TOS, tc, "IP_TOS");
            } catch (SocketException ignored) {
                // an IPv6-only socket has no IPv4 traffic to mark
            }
        } else {
            SocketCalls.setInt(fd, IPPROTO_IP, IP_TOS, tc, "IP_TOS");
        }
    }

    /** The traffic class, as {@link #setTrafficClass} sets it. */
    static int trafficClass(int fd, int family) throws SocketException {
        return family == Sockets.AF_INET6
                ? SocketCalls.getInt(fd, Sockets.IPPROTO_IPV6, IPV6_TCLASS, "IPV6_TCLASS")
                : SocketCalls.getInt(fd, IPPROTO_IP, IP_TOS, "IP_TOS");
    }

    /** IPV6_V6ONLY off: an IPv6 socket also connects to and accepts from IPv4 (mapped) peers. */
    static void dualStack(int fd) throws SocketException {
        SocketCalls.setInt(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
    }

    /** Bytes readable without blocking (ioctl FIONREAD). */
    static int available(int fd) throws SocketException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            long r = LibC.syscall(Native.threadCaptureState(), SYS_IOCTL, fd, FIONREAD, n.address(), 0, 0, 0);
            if (r < 0) {
                throw new SocketException("ioctl(FIONREAD) failed: " + SocketErrors.describe((int) -r));
            }
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }
}
