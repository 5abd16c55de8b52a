package io.loomring.net;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the channel-style exceptions of {@link TcpSocket} into the ones {@code java.net.Socket}
 * users expect: a closed socket is {@code SocketException: Socket closed}, an interrupted blocking
 * call on a virtual thread {@code SocketException: Closed by interrupt} (the JDK's own words).
 */
final class JavaNetErrors {
    private JavaNetErrors() {}

    /** The exception a java.net caller sees for {@code e}. */
    static IOException translate(IOException e) {
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
        IOException t = translate(e);
        return t instanceof SocketException se ? se : new SocketException(t.getMessage(), t);
    }
}
