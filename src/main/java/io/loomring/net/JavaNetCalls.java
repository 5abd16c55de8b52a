package io.loomring.net;

import io.loomring.socket.SocketCalls;
import io.loomring.socket.SocketErrors;
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
 * The socket calls only the {@code java.net} adapter needs: whether IPv6 is there, bind before
 * connect, dual-stack sockets, FIONREAD.
 */
final class JavaNetCalls {
    private JavaNetCalls() {}

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

    /** IPV6_V6ONLY off: an IPv6 socket also connects to and accepts from IPv4 (mapped) peers. */
    static void dualStack(int fd) throws SocketException {
        SocketCalls.setInt(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
    }
}
