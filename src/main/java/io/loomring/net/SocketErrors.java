package io.loomring.net;

import io.loomring.ffm.Errno;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/**
 * Maps socket errnos to the exception types the JDK's own sockets throw, keeping the errno text in
 * the message so a failure can be traced to the kernel's answer.
 */
final class SocketErrors {
    private SocketErrors() {}

    // errnos the core's Errno table does not name
    static final int EPROTO = 71;
    static final int ENOTSOCK = 88;
    static final int EAFNOSUPPORT = 97;
    static final int ENETDOWN = 100;
    static final int ENETRESET = 102;
    static final int ENOBUFS = 105;
    static final int EISCONN = 106;
    static final int EHOSTDOWN = 112;
    static final int ENFILE = 23;

    /** Errno text, such as {@code "ECONNRESET (Connection reset by peer)"}. */
    static String describe(int errno) {
        return switch (errno) {
            case EPROTO -> "EPROTO (Protocol error)";
            case ENOTSOCK -> "ENOTSOCK (Socket operation on non-socket)";
            case EAFNOSUPPORT -> "EAFNOSUPPORT (Address family not supported by protocol)";
            case ENETDOWN -> "ENETDOWN (Network is down)";
            case ENETRESET -> "ENETRESET (Network dropped connection on reset)";
            case ENOBUFS -> "ENOBUFS (No buffer space available)";
            case EISCONN -> "EISCONN (Transport endpoint is already connected)";
            case EHOSTDOWN -> "EHOSTDOWN (Host is down)";
            case ENFILE -> "ENFILE (Too many open files in system)";
            default -> Errno.describe(errno);
        };
    }

    /** A failed {@code connect}. */
    static SocketException connect(int errno, Object target) {
        String msg = switch (errno) {
            case Errno.ECONNREFUSED -> "Connection refused";
            case Errno.ETIMEDOUT -> "Connection timed out";
            default -> "Connect failed";
        } + " (" + target + "): " + describe(errno);
        return switch (errno) {
            case Errno.ECONNREFUSED, Errno.ETIMEDOUT, Errno.ENOTCONN -> new ConnectException(msg);
            case Errno.EHOSTUNREACH, Errno.ENETUNREACH, EHOSTDOWN, ENETDOWN -> new NoRouteToHostException(msg);
            case Errno.EADDRNOTAVAIL, Errno.EADDRINUSE, Errno.EACCES -> new BindException(msg);
            default -> new SocketException(msg);
        };
    }

    /** A failed {@code bind} or {@code listen}. */
    static SocketException bind(int errno, Object address) {
        String msg = (errno == Errno.EADDRINUSE ? "Address already in use" : "Cannot bind")
                + " (" + address + "): " + describe(errno);
        return switch (errno) {
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL, Errno.EACCES -> new BindException(msg);
            default -> new SocketException(msg);
        };
    }

    /** A failed read, write or other call on a connected socket. */
    static SocketException io(String what, int errno) {
        String prefix = switch (errno) {
            case Errno.ECONNRESET -> "Connection reset";
            case Errno.EPIPE -> "Broken pipe";
            default -> what + " failed";
        };
        return new SocketException(prefix + ": " + describe(errno));
    }
}
