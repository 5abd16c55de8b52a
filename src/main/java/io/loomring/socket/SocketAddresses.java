package io.loomring.socket;

import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import io.loomring.ffm.UnixAddresses;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * Socket addresses of every family the core serves: {@link InetSocketAddress} for
 * {@code AF_INET}/{@code AF_INET6}, {@link UnixDomainSocketAddress} for {@code AF_UNIX}; their
 * {@code sockaddr} encoding, and the calls that take or return one (bind, getsockname,
 * getpeername).
 */
public final class SocketAddresses {
    private SocketAddresses() {}

    /**
     * Encodes {@code address} for a socket of {@code family} into {@code dst}.
     *
     * @return the {@code sockaddr} length
     * @throws UnsupportedAddressTypeException if the address does not fit the family
     */
    public static int encode(SocketAddress address, int family, MemorySegment dst) throws IOException {
        if (family == UnixAddresses.AF_UNIX) {
            if (!(address instanceof UnixDomainSocketAddress unix)) {
                throw new UnsupportedAddressTypeException();
            }
            return UnixAddresses.encode(unix, dst);
        }
        if (!(address instanceof InetSocketAddress inet)) {
            throw new UnsupportedAddressTypeException();
        }
        return Sockets.encode(inet, family, dst);
    }

    /** Decodes a {@code sockaddr} of {@code length} bytes returned for a socket of {@code family}. */
    public static SocketAddress decode(MemorySegment src, int length, int family) {
        return family == UnixAddresses.AF_UNIX ? UnixAddresses.decode(src, length) : Sockets.decode(src);
    }

    /** {@code bind(2)}. */
    public static void bind(int fd, int family, SocketAddress address) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            int len = encode(address, family, addr);
            int r = Sockets.bind(Native.threadCaptureState(), fd, addr, len);
            if (r < 0) {
                throw SocketErrors.bind(-r, address);
            }
        }
    }

    /** {@code getsockname(2)}. */
    public static SocketAddress local(int fd, int family) throws SocketException {
        return query(fd, family, true);
    }

    /** {@code getpeername(2)}. */
    public static SocketAddress peer(int fd, int family) throws SocketException {
        return query(fd, family, false);
    }

    private static SocketAddress query(int fd, int family, boolean local) throws SocketException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, Sockets.SOCKADDR_STORAGE_SIZE);
            MemorySegment capture = Native.threadCaptureState();
            int r = local ? Sockets.getsockname(capture, fd, addr, len) : Sockets.getpeername(capture, fd, addr, len);
            if (r < 0) {
                throw new SocketException((local ? "getsockname" : "getpeername") + " failed: "
                        + SocketErrors.describe(-r));
            }
            return decode(addr, len.get(ValueLayout.JAVA_INT, 0), family);
        }
    }
}
