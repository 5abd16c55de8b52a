package io.loomring.nio;

import io.loomring.socket.TcpOption;
import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * The {@code NetworkChannel} contract of socket options over the socket core's one table
 * ({@link TcpOption}): which options each kind of channel offers, and how a typed value becomes
 * the table's int and back, with the exceptions the JDK's channels throw for a wrong name or value.
 */
final class ChannelOptions {
    private ChannelOptions() {}

    /** A TCP client channel: every option of the table. */
    static final Set<SocketOption<?>> TCP = offered(false);
    /**
     * A TCP listening channel: the options of the table that listening sockets have, and, as the
     * JDK's, the keep-alive tuning and quick ACKs, which accepted sockets inherit.
     */
    static final Set<SocketOption<?>> TCP_SERVER = withInherited(offered(true));
    /** A UNIX-domain stream channel, as the JDK's. */
    static final Set<SocketOption<?>> UNIX = Set.of(StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_LINGER, ExtendedSocketOptions.SO_PEERCRED);
    /** A UNIX-domain listening channel, as the JDK's. */
    static final Set<SocketOption<?>> UNIX_SERVER = Set.of(StandardSocketOptions.SO_RCVBUF);

    private static Set<SocketOption<?>> withInherited(Set<SocketOption<?>> server) {
        Set<SocketOption<?>> all = new HashSet<>(server);
        for (TcpOption o : new TcpOption[] {TcpOption.TCP_KEEPIDLE, TcpOption.TCP_KEEPINTVL, TcpOption.TCP_KEEPCNT,
                TcpOption.TCP_QUICKACK}) {
            all.add(o.socketOption());
        }
        return Set.copyOf(all);
    }

    private static Set<SocketOption<?>> offered(boolean server) {
        Set<SocketOption<?>> all = new HashSet<>();
        for (TcpOption o : TcpOption.values()) {
            if (o.socketOption() != null && (!server || o.onServerSockets())) {
                all.add(o.socketOption());
            }
        }
        return Set.copyOf(all);
    }

    /** Sets an option of the table on a socket core. */
    interface Setter {
        void set(TcpOption option, int value) throws IOException;
    }

    /** Reads an option of the table from a socket core. */
    interface Getter {
        int get(TcpOption option) throws IOException;
    }

    /** {@code channel.setOption(name, value)} onto its core, with the JDK's checks in the JDK's order. */
    static <T> void set(NetworkChannel channel, SocketOption<T> name, T value, Setter core) throws IOException {
        TcpOption o = option(channel.supportedOptions(), name);
        int v = toInt(o, name, value);
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        core.set(o, v);
    }

    /** {@code channel.getOption(name)} from its core. */
    @SuppressWarnings("unchecked")
    static <T> T get(NetworkChannel channel, SocketOption<T> name, Getter core) throws IOException {
        TcpOption o = option(channel.supportedOptions(), name);
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        return (T) toValue(o, core.get(o));
    }

    /**
     * The table's entry for {@code name}, which {@code supported} must contain.
     *
     * @throws UnsupportedOperationException if the channel does not offer it
     */
    static TcpOption option(Set<SocketOption<?>> supported, SocketOption<?> name) {
        Objects.requireNonNull(name, "name");
        TcpOption o = supported.contains(name) ? TcpOption.bySocketOption(name) : null;
        if (o == null) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return o;
    }

    /**
     * A typed value as the table's int: a Boolean for a flag, an Integer otherwise; a negative
     * SO_LINGER turns lingering off.
     *
     * @throws IllegalArgumentException for a null value, or a value the option cannot take
     */
    static int toInt(TcpOption option, SocketOption<?> name, Object value) {
        if (value == null || !name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
        return switch (option.kind()) {
            case FLAG -> (Boolean) value ? 1 : 0;
            case SIZE -> {
                int n = (Integer) value;
                if (n < 0) {
                    throw new IllegalArgumentException("Invalid send/receive buffer size");
                }
                yield n;
            }
            case LINGER -> Math.max((Integer) value, -1);
            case COUNT -> {
                int n = (Integer) value;
                if (n < 1) {
                    throw new IllegalArgumentException(name + " must be positive: " + n);
                }
                yield n;
            }
            case TRAFFIC_CLASS -> {
                int tc = (Integer) value;
                if (tc < 0 || tc > 255) {
                    throw new IllegalArgumentException("Invalid IP_TOS value");
                }
                yield tc;
            }
        };
    }

    /** The table's int as the option's typed value; SO_LINGER off is -1. */
    static Object toValue(TcpOption option, int value) {
        return switch (option.kind()) {
            case FLAG -> value != 0;
            case LINGER -> value < 0 ? -1 : value;
            default -> value;
        };
    }
}
