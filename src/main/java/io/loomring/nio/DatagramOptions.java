package io.loomring.nio;

import io.loomring.ffm.Sockets;
import io.loomring.socket.SocketCalls;
import io.loomring.socket.TcpOption;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Objects;
import java.util.Set;

/**
 * The socket options of {@link LoomringDatagramChannel}: the JDK's datagram options without the
 * multicast ones. Each is set and read through the socket core's option table ({@link TcpOption},
 * which also knows IP_TOS's IPv6 twin), except SO_BROADCAST, which only datagram sockets have.
 *
 * <p>Arguments are checked as the JDK's channel checks them, in its order: the name (null, then
 * supported), then the value's type and range; only then is the channel's state looked at.
 */
final class DatagramOptions {
    private DatagramOptions() {}

    /** The message of every refusal of multicast. */
    static final String NO_MULTICAST = "Loomring's DatagramChannel does not support multicast";

    static final Set<SocketOption<?>> SUPPORTED = Set.of(
            StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR,
            StandardSocketOptions.SO_REUSEPORT,
            StandardSocketOptions.SO_BROADCAST,
            StandardSocketOptions.IP_TOS);

    private static final Set<SocketOption<?>> MULTICAST = Set.of(
            StandardSocketOptions.IP_MULTICAST_IF,
            StandardSocketOptions.IP_MULTICAST_TTL,
            StandardSocketOptions.IP_MULTICAST_LOOP);

    /**
     * @throws NullPointerException          if {@code name} is null
     * @throws UnsupportedOperationException for a multicast option (saying so) or another one a
     *                                       datagram channel does not have
     */
    static void checkName(SocketOption<?> name) {
        Objects.requireNonNull(name, "name");
        if (MULTICAST.contains(name)) {
            throw new UnsupportedOperationException(NO_MULTICAST + " ('" + name + "')");
        }
        if (!SUPPORTED.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    /** @throws IllegalArgumentException for a value of the wrong type or out of range, with the JDK's messages */
    static void checkValue(SocketOption<?> name, Object value) {
        if (!name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
        if (name == StandardSocketOptions.SO_SNDBUF || name == StandardSocketOptions.SO_RCVBUF) {
            if ((Integer) value < 0) {
                throw new IllegalArgumentException("Invalid send/receive buffer size");
            }
        } else if (name == StandardSocketOptions.IP_TOS) {
            int tos = (Integer) value;
            if (tos < 0 || tos > 255) {
                throw new IllegalArgumentException("Invalid IP_TOS value");
            }
        }
    }

    /** Sets a checked option on {@code fd}, a UDP socket of {@code family}. */
    static void set(int fd, int family, SocketOption<?> name, Object value) throws SocketException {
        int v = value instanceof Boolean b ? (b ? 1 : 0) : (Integer) value;
        if (name == StandardSocketOptions.SO_BROADCAST) {
            SocketCalls.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_BROADCAST, v, "SO_BROADCAST");
        } else {
            TcpOption.bySocketOption(name).set(fd, family, v);
        }
    }

    /** A checked option's value on {@code fd}, a UDP socket of {@code family}. */
    static <T> T get(int fd, int family, SocketOption<T> name) throws SocketException {
        int v = name == StandardSocketOptions.SO_BROADCAST
                ? SocketCalls.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_BROADCAST, "SO_BROADCAST")
                : TcpOption.bySocketOption(name).get(fd, family);
        Object value = name.type() == Boolean.class ? (Object) (v != 0) : (Object) v;
        return name.type().cast(value);
    }
}
