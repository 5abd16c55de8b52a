package io.loomring.net;

import io.loomring.socket.TcpOption;
import java.net.SocketException;
import java.net.SocketOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code java.net} contract of socket options, for both {@code SocketImpl}s over the one
 * table ({@link TcpOption}): which {@link SocketOption}s each offers, how a legacy value (an
 * {@code Object} keyed by a {@link java.net.SocketOptions} id) becomes the table's int and back,
 * and the exceptions the JDK's own impls throw for a wrong name or value.
 */
final class JavaNetOptions {
    private JavaNetOptions() {}

    /** What a client socket offers: every option the JDK names (the standard and the TCP ones). */
    static final Set<SocketOption<?>> CLIENT = offered(false);

    /** What a server socket offers: the options of the table that listening sockets have. */
    static final Set<SocketOption<?>> SERVER = offered(true);

    private static Set<SocketOption<?>> offered(boolean server) {
        Set<SocketOption<?>> all = new HashSet<>();
        for (TcpOption o : TcpOption.values()) {
            if (o.socketOption() != null && (!server || o.onServerSockets())) {
                all.add(o.socketOption());
            }
        }
        return Set.copyOf(all);
    }

    /** The option with legacy id {@code id} that a client (or, with {@code server}, a server) socket has. */
    static TcpOption legacy(int id, boolean server) throws SocketException {
        TcpOption o = TcpOption.byLegacyId(id);
        if (o == null || (server && !o.onServerSockets())) {
            throw new SocketException("Unknown option " + id);
        }
        return o;
    }

    /** The {@code SocketImpl} contract for an option name: known to this impl, else unsupported. */
    static void checkOption(Set<SocketOption<?>> supported, SocketOption<?> name) {
        Objects.requireNonNull(name);
        if (!supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    /** As {@link #checkOption(Set, SocketOption)}, and the value must be of the option's type. */
    static <T> void checkOption(Set<SocketOption<?>> supported, SocketOption<T> name, T value) {
        checkOption(supported, name);
        if (!name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
    }

    /**
     * A legacy {@code setOption} value as the table's int: a Boolean for a flag, a positive Integer
     * for a size, {@code false} or an Integer for SO_LINGER ({@link java.net.Socket#setSoLinger}).
     */
    static int fromLegacy(TcpOption option, Object value) throws SocketException {
        return switch (option.kind()) {
            case FLAG -> booleanValue(value, option.name()) ? 1 : 0;
            case SIZE -> {
                int n = intValue(value, option.name());
                if (n <= 0) {
                    throw new SocketException(option.name() + " <= 0");
                }
                yield n;
            }
            case LINGER -> value instanceof Boolean b && !b ? -1 : intValue(value, option.name());
            case COUNT, TRAFFIC_CLASS -> intValue(value, option.name());
        };
    }

    /** The table's int as a legacy {@code getOption} value; SO_LINGER off is {@code false}. */
    static Object toLegacy(TcpOption option, int value) {
        return switch (option.kind()) {
            case FLAG -> value != 0;
            case LINGER -> value < 0 ? Boolean.FALSE : (Object) value;
            default -> value;
        };
    }

    /**
     * A {@link SocketOption} value as the table's int, for the options that have no legacy id (the
     * TCP keep-alive tuning and quick ACKs): counts must be positive.
     */
    static int fromTyped(TcpOption option, Object value) {
        if (option.kind() == TcpOption.Kind.FLAG) {
            return (Boolean) value ? 1 : 0;
        }
        int v = (Integer) value;
        if (v < 1) {
            throw new IllegalArgumentException(option.name() + " must be positive: " + v);
        }
        return v;
    }

    /** The table's int as a {@link SocketOption} value, for the options {@link #fromTyped} sets. */
    static Object toTyped(TcpOption option, int value) {
        return option.kind() == TcpOption.Kind.FLAG ? (Object) (value != 0) : (Object) value;
    }

    static boolean booleanValue(Object value, String what) throws SocketException {
        if (!(value instanceof Boolean b)) {
            throw new SocketException("Bad value for " + what);
        }
        return b;
    }

    static int intValue(Object value, String what) throws SocketException {
        if (!(value instanceof Integer i)) {
            throw new SocketException("Bad value for " + what);
        }
        return i;
    }
}
