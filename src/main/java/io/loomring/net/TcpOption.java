package io.loomring.net;

import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketOption;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * The JDK's Linux TCP options from {@link ExtendedSocketOptions} that are plain integer
 * {@code IPPROTO_TCP} socket options: keep-alive tuning (HTTP clients set it) and quick ACKs.
 */
record TcpOption(int name, boolean isBoolean, String what) {
    private static final int TCP_KEEPIDLE = 4;
    private static final int TCP_KEEPINTVL = 5;
    private static final int TCP_KEEPCNT = 6;
    private static final int TCP_QUICKACK = 12;

    /** The supported options and how each maps to setsockopt. */
    static final Map<SocketOption<?>, TcpOption> OPTIONS = Map.of(
            ExtendedSocketOptions.TCP_KEEPIDLE, new TcpOption(TCP_KEEPIDLE, false, "TCP_KEEPIDLE"),
            ExtendedSocketOptions.TCP_KEEPINTERVAL, new TcpOption(TCP_KEEPINTVL, false, "TCP_KEEPINTVL"),
            ExtendedSocketOptions.TCP_KEEPCOUNT, new TcpOption(TCP_KEEPCNT, false, "TCP_KEEPCNT"),
            ExtendedSocketOptions.TCP_QUICKACK, new TcpOption(TCP_QUICKACK, true, "TCP_QUICKACK"));

    void set(TcpSocket socket, Object value) throws IOException {
        int v;
        if (isBoolean) {
            v = (Boolean) value ? 1 : 0;
        } else {
            v = (Integer) value;
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be positive: " + v);
            }
        }
        try {
            socket.withFd(fd -> {
                SocketCalls.setInt(fd, Sockets.IPPROTO_TCP, name, v, what);
                return null;
            });
        } catch (IOException e) {
            throw JavaNetErrors.asSocketException(e);
        }
    }

    Object get(TcpSocket socket) throws SocketException {
        try {
            int v = socket.withFd(fd -> SocketCalls.getInt(fd, Sockets.IPPROTO_TCP, name, what));
            return isBoolean ? (Object) (v != 0) : (Object) v;
        } catch (IOException e) {
            throw JavaNetErrors.asSocketException(e);
        }
    }
}
