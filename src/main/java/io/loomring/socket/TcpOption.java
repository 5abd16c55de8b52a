package io.loomring.socket;

import io.loomring.ffm.Sockets;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import jdk.net.ExtendedSocketOptions;

/**
 * The one table of socket options, for client and server sockets and for every face: what each
 * is in the kernel (level and name, or a call of its own), how its value is carried as an int,
 * and what the {@code java.net} API calls it (a {@link SocketOptions} id, a {@link SocketOption}).
 * The faces decide which options they offer and how they report a wrong value; the table only
 * sets and gets them on an fd.
 *
 * <p>The constant names are the kernel's, so a failed call names the option as {@code man 7
 * socket} does ({@code "setsockopt(TCP_KEEPINTVL) failed: ..."}).
 */
public enum TcpOption {
    TCP_NODELAY(Kind.FLAG, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, SocketOptions.TCP_NODELAY,
            StandardSocketOptions.TCP_NODELAY, false),
    SO_KEEPALIVE(Kind.FLAG, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, SocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_KEEPALIVE, false),
    SO_RCVBUF(Kind.SIZE, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, SocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_RCVBUF, true),
    SO_SNDBUF(Kind.SIZE, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, SocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_SNDBUF, false),
    SO_REUSEADDR(Kind.FLAG, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, SocketOptions.SO_REUSEADDR,
            StandardSocketOptions.SO_REUSEADDR, true),
    SO_REUSEPORT(Kind.FLAG, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, SocketOptions.SO_REUSEPORT,
            StandardSocketOptions.SO_REUSEPORT, true),
    /** Seconds, or negative for off. */
    SO_LINGER(Kind.LINGER, Sockets.SOL_SOCKET, Sockets.SO_LINGER, SocketOptions.SO_LINGER,
            StandardSocketOptions.SO_LINGER, false),
    /** IP_TOS, and IPV6_TCLASS on an IPv6 socket. */
    IP_TOS(Kind.TRAFFIC_CLASS, Sockets.IPPROTO_IP, Sockets.IP_TOS, SocketOptions.IP_TOS,
            StandardSocketOptions.IP_TOS, false),
    /** Only through the legacy id: {@link java.net.Socket#setOOBInline}. */
    SO_OOBINLINE(Kind.FLAG, Sockets.SOL_SOCKET, Sockets.SO_OOBINLINE, SocketOptions.SO_OOBINLINE, null, false),
    TCP_KEEPIDLE(Kind.COUNT, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPIDLE, TcpOption.NO_ID,
            ExtendedSocketOptions.TCP_KEEPIDLE, false),
    TCP_KEEPINTVL(Kind.COUNT, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPINTVL, TcpOption.NO_ID,
            ExtendedSocketOptions.TCP_KEEPINTERVAL, false),
    TCP_KEEPCNT(Kind.COUNT, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPCNT, TcpOption.NO_ID,
            ExtendedSocketOptions.TCP_KEEPCOUNT, false),
    TCP_QUICKACK(Kind.FLAG, Sockets.IPPROTO_TCP, Sockets.TCP_QUICKACK, TcpOption.NO_ID,
            ExtendedSocketOptions.TCP_QUICKACK, false);

    /** How a value is carried. */
    public enum Kind {
        /** 0 or 1. */
        FLAG,
        /** A buffer size in bytes. */
        SIZE,
        /** A positive count or interval (the TCP keep-alive tuning). */
        COUNT,
        /** struct linger, as seconds or negative for off. */
        LINGER,
        /** The traffic class, whose option depends on the family. */
        TRAFFIC_CLASS
    }

    /** {@link #legacyId} of an option that has no {@link SocketOptions} id. */
    private static final int NO_ID = -1;

    private final Kind kind;
    private final int level;
    private final int name;
    private final int legacyId;
    private final SocketOption<?> socketOption;
    private final boolean onServerSockets;

    TcpOption(Kind kind, int level, int name, int legacyId, SocketOption<?> socketOption, boolean onServerSockets) {
        this.kind = kind;
        this.level = level;
        this.name = name;
        this.legacyId = legacyId;
        this.socketOption = socketOption;
        this.onServerSockets = onServerSockets;
    }

    public Kind kind() {
        return kind;
    }

    /** The {@code java.net.SocketOptions} id, or -1 for an option that has none. */
    public int legacyId() {
        return legacyId;
    }

    /** The {@link SocketOption} the JDK names it by, or null when it has only a legacy id. */
    public SocketOption<?> socketOption() {
        return socketOption;
    }

    /** True for the options a listening socket offers as well (all are offered by connections). */
    public boolean onServerSockets() {
        return onServerSockets;
    }

    /** The option with the legacy id {@code id}, or null. */
    public static TcpOption byLegacyId(int id) {
        for (TcpOption o : values()) {
            if (o.legacyId == id && id != NO_ID) {
                return o;
            }
        }
        return null;
    }

    /** The option the JDK names {@code option}, or null. */
    public static TcpOption bySocketOption(SocketOption<?> option) {
        for (TcpOption o : values()) {
            if (o.socketOption != null && o.socketOption.equals(option)) {
                return o;
            }
        }
        return null;
    }

    /** Sets the option on {@code fd}, a socket of {@code family}. */
    public void set(int fd, int family, int value) throws SocketException {
        switch (kind) {
            case LINGER -> SocketCalls.setLinger(fd, value);
            case TRAFFIC_CLASS -> SocketCalls.setTrafficClass(fd, family, value);
            default -> SocketCalls.setInt(fd, level, name, value, name());
        }
    }

    /** The option's value on {@code fd}, a socket of {@code family}. */
    public int get(int fd, int family) throws SocketException {
        return switch (kind) {
            case LINGER -> SocketCalls.linger(fd);
            case TRAFFIC_CLASS -> SocketCalls.trafficClass(fd, family);
            default -> SocketCalls.getInt(fd, level, name, name());
        };
    }
}
