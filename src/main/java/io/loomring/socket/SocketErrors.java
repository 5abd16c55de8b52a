package io.loomring.socket;

import io.loomring.ffm.Errno;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/**
 * Maps socket errnos to the exception types the JDK's own sockets throw. Messages give the errno's
 * text once, then its name (so a failure can be traced to the kernel's answer), then what was
 * being done: {@code "Connection refused (ECONNREFUSED) connecting to /127.0.0.1:1"}.
 */
public final class SocketErrors {
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

    /**
     * The errno's text, then its name, said once: {@code "Connection reset by peer (ECONNRESET)"}.
     */
    public static String describe(int errno) {
        return switch (errno) {
            case EPROTO -> "Protocol error (EPROTO)";
            case ENOTSOCK -> "Socket operation on non-socket (ENOTSOCK)";
            case EAFNOSUPPORT -> "Address family not supported by protocol (EAFNOSUPPORT)";
            case ENETDOWN -> "Network is down (ENETDOWN)";
            case ENETRESET -> "Network dropped connection on reset (ENETRESET)";
            case ENOBUFS -> "No buffer space available (ENOBUFS)";
            case EISCONN -> "Transport endpoint is already connected (EISCONN)";
            case EHOSTDOWN -> "Host is down (EHOSTDOWN)";
            case ENFILE -> "Too many open files in system (ENFILE)";
            default -> Errno.message(errno);
        };
    }

    /** A failed {@code connect}: {@code "Connection refused (ECONNREFUSED) connecting to /127.0.0.1:1"}. */
    public static SocketException connect(int errno, Object target) {
        String msg = describe(errno) + " connecting to " + target;
        return switch (errno) {
            case Errno.ECONNREFUSED, Errno.ETIMEDOUT, Errno.ENOTCONN -> new ConnectException(msg);
            case Errno.EHOSTUNREACH, Errno.ENETUNREACH, EHOSTDOWN, ENETDOWN -> new NoRouteToHostException(msg);
            case Errno.EADDRNOTAVAIL, Errno.EADDRINUSE, Errno.EACCES -> new BindException(msg);
            default -> new SocketException(msg);
        };
    }

    /**
     * A failed {@code bind} or {@code listen}: {@code "Address already in use (EADDRINUSE) binding
     * /127.0.0.1:80"}.
     */
    public static SocketException bind(int errno, Object address) {
        String msg = describe(errno) + " binding " + address;
        return switch (errno) {
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL, Errno.EACCES -> new BindException(msg);
            default -> new SocketException(msg);
        };
    }

    /**
     * A failed read, write or other call on a connected socket: {@code "Connection reset by peer
     * (ECONNRESET)"} and {@code "Broken pipe (EPIPE)"} alone (they start as the JDK's messages do),
     * {@code "read failed: Bad file descriptor (EBADF)"} otherwise.
     */
    public static SocketException io(String what, int errno) {
        return switch (errno) {
            case Errno.ECONNRESET, Errno.EPIPE -> new SocketException(describe(errno));
            default -> new SocketException(what + " failed: " + describe(errno));
        };
    }
}
