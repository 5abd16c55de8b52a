package io.loomring.socket;

import java.io.IOException;
import java.nio.channels.NotYetConnectedException;

/**
 * What a face puts around the core's streams ({@link SocketInputStream},
 * {@link SocketOutputStream}): its check before each call, the exceptions its callers expect,
 * {@code available()}, and what closing a stream closes. {@link #CHANNEL} is {@code TcpSocket}'s:
 * the core's own exceptions, as they are.
 */
public interface StreamContract {
    /** Throws when the face says the socket may not be used. */
    void checkOpen() throws IOException;

    /** The exception the face's caller sees for {@code e}, thrown by the core. */
    IOException translate(IOException e);

    /**
     * The exception the face's caller sees for a read or write before the connection: returned
     * to be thrown when it is unchecked, thrown here when it is an {@link IOException}.
     */
    RuntimeException notConnected(NotYetConnectedException e) throws IOException;

    /** Bytes readable without blocking, as the face reports them. */
    int available() throws IOException;

    /** Closes what the face closes when one of its streams is closed. */
    void close() throws IOException;

    /** {@code TcpSocket}'s contract: no check, no translation, {@code available()} 0, close closes {@code socket}. */
    public static StreamContract channel(StreamSocket socket) {
        return new StreamContract() {
            @Override
            public void checkOpen() {
                // the core's own checks are the contract
            }

            @Override
            public IOException translate(IOException e) {
                return e;
            }

            @Override
            public RuntimeException notConnected(NotYetConnectedException e) {
                return e;
            }

            @Override
            public int available() {
                return 0;
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }

            @Override
            public String toString() {
                return socket.toString();
            }
        };
    }
}
