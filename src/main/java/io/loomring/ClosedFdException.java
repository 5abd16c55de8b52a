package io.loomring;

import java.io.Serial;
import java.nio.channels.ClosedChannelException;

/**
 * A {@link ClosedChannelException} that says what was closed: thrown by Loomring's sockets, pipes,
 * eventfds and timerfds when they are used after {@code close()} has started. Catch
 * {@link ClosedChannelException} as with the JDK's channels; the message is for the reader of a log.
 */
public final class ClosedFdException extends ClosedChannelException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What was closed, for example "TcpSocket (fd 17)". */
    private final String what;

    /**
     * An exception whose message says that {@code what} is closed.
     *
     * @param what what was closed, for example "TcpSocket (fd 17)"
     */
    public ClosedFdException(String what) {
        this.what = what;
    }

    @Override
    public String getMessage() {
        return what + " is closed";
    }
}
