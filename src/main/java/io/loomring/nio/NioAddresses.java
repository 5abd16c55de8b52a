package io.loomring.nio;

import io.loomring.ffm.Sockets;
import io.loomring.ffm.UnixAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The channels' rules for addresses, as the JDK's channels apply them: which family a
 * {@link ProtocolFamily} opens, which addresses a channel of a family takes
 * ({@link UnsupportedAddressTypeException}, {@link UnresolvedAddressException}), what binding to
 * null means, and that connecting to the wildcard address reaches the loopback address.
 */
final class NioAddresses {
    private NioAddresses() {}

    /** The default family of a channel opened without one: dual-stack IPv6 unless IPv4 is preferred. */
    static final ProtocolFamily DEFAULT_FAMILY =
            Boolean.getBoolean("java.net.preferIPv4Stack") ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;

    /**
     * The address family ({@code AF_*}) of {@code family}.
     *
     * @throws UnsupportedOperationException for a family other than INET, INET6 and UNIX
     */
    static int family(ProtocolFamily family) {
        Objects.requireNonNull(family, "family");
        if (family == StandardProtocolFamily.INET) {
            return Sockets.AF_INET;
        }
        if (family == StandardProtocolFamily.INET6) {
            return Boolean.getBoolean("java.net.preferIPv4Stack") ? unsupported(family) : Sockets.AF_INET6;
        }
        if (family == StandardProtocolFamily.UNIX) {
            return UnixAddresses.AF_UNIX;
        }
        return unsupported(family);
    }

    private static int unsupported(ProtocolFamily family) {
        throw new UnsupportedOperationException("Protocol family not supported: " + family);
    }

    /** The address to connect a channel of {@code family} to {@code remote}. */
    static SocketAddress forConnect(SocketAddress remote, int family) {
        Objects.requireNonNull(remote, "remote");
        if (family == UnixAddresses.AF_UNIX) {
            return unix(remote);
        }
        InetSocketAddress isa = checkInet(remote, family);
        InetAddress ip = isa.getAddress();
        if (ip.isAnyLocalAddress()) {
            InetAddress loopback = ip instanceof Inet4Address || family == Sockets.AF_INET
                    ? InetAddress.getLoopbackAddress() : loopback6();
            return new InetSocketAddress(loopback, isa.getPort());
        }
        return isa;
    }

    /** The address to bind a channel of {@code family} to; null means any address, any port (UNIX: a new path). */
    static SocketAddress forBind(SocketAddress local, int family) {
        if (family == UnixAddresses.AF_UNIX) {
            if (local == null || unix(local).getPath().toString().isEmpty()) {
                return tempUnixAddress();
            }
            return local;
        }
        if (local == null) {
            return new InetSocketAddress(wildcard(family), 0);
        }
        InetSocketAddress isa = checkInet(local, family);
        if (family == Sockets.AF_INET6 && isa.getAddress().isAnyLocalAddress()) {
            // As the JDK's: 0.0.0.0 on a dual-stack socket is the IPv6 wildcard, which serves both.
            return new InetSocketAddress(wildcard(family), isa.getPort());
        }
        return isa;
    }

    /** A UNIX channel's check of an address to bind: null, or a {@link UnixDomainSocketAddress}. */
    static void checkUnix(SocketAddress a) {
        if (a != null) {
            unix(a);
        }
    }

    private static UnixDomainSocketAddress unix(SocketAddress a) {
        if (!(a instanceof UnixDomainSocketAddress u)) {
            throw new UnsupportedAddressTypeException();
        }
        return u;
    }

    /** The JDK's checks of an address for an IP socket of {@code family}: its type, resolved, and of the family. */
    static InetSocketAddress checkInet(SocketAddress a, int family) {
        Objects.requireNonNull(a, "address");
        if (!(a instanceof InetSocketAddress isa)) {
            throw new UnsupportedAddressTypeException();
        }
        if (isa.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        if (family == Sockets.AF_INET && !(isa.getAddress() instanceof Inet4Address)) {
            throw new UnsupportedAddressTypeException();
        }
        return isa;
    }

    private static InetAddress wildcard(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == Sockets.AF_INET ? 4 : 16]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // a literal of the right length always converts
        }
    }

    private static InetAddress loopback6() {
        byte[] raw = new byte[16];
        raw[15] = 1;
        try {
            return InetAddress.getByAddress(raw);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A new path in the temporary directory, as the JDK picks one for a UNIX channel bound to null. */
    private static UnixDomainSocketAddress tempUnixAddress() {
        String dir = System.getProperty("jdk.net.unixdomain.tmpdir", System.getProperty("java.io.tmpdir"));
        String name = "socket_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return UnixDomainSocketAddress.of(Path.of(dir, name));
    }
}
