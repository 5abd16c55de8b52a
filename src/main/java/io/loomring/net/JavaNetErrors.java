package io.loomring.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the channel-style exceptions of {@link TcpSocket} into the ones {@code java.net.Socket}
 * users expect: a closed socket is {@code SocketException: Socket closed} (the JDK's own words).
 *
 * <p>An interrupted read, write or accept (which has closed the {@link TcpSocket} already) becomes
 * an {@link InterruptedIOException}: {@link java.net.Socket}'s and {@link java.net.ServerSocket}'s
 * own wrappers turn that, on a virtual thread, into a close of the socket object (so
 * {@code isClosed()} is true) and {@code SocketException: Closed by interrupt}, as for the JDK's
 * sockets. An interrupted connect is that {@code SocketException} directly.
 */
final class JavaNetErrors {
    private JavaNetErrors() {}

    /** The exception a java.net caller of a read, write or accept sees for {@code e}. */
    static IOException translate(IOException e) {
        if (e instanceof ClosedByInterruptException) {
            InterruptedIOException interrupted = new InterruptedIOException("Closed by interrupt");
            interrupted.initCause(e);
            return interrupted;
        }
        return translateConnect(e);
    }

    /** The exception a java.net caller of connect (or an option) sees for {@code e}. */
    static IOException translateConnect(IOException e) {
        if (e instanceof ClosedByInterruptException) {
            return new SocketException("Closed by interrupt", e);
        }
        if (e instanceof ClosedChannelException) {
            return new SocketException("Socket closed", e);
        }
        return e;
    }

    /** {@link #translate} for calls declared to throw only {@link SocketException}. */
    static SocketException asSocketException(IOException e) {
        IOException t = translateConnect(e);
        return t instanceof SocketException se ? se : new SocketException(t.getMessage(), t);
    }
}
