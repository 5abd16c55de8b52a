package io.loomring.examples;

import io.loomring.net.TcpSocket;
import java.io.IOException;

/**
 * Serves one connection with plain blocking calls, on a virtual thread of its own.
 */
@FunctionalInterface
public interface ConnectionHandler {
    /**
     * Serves {@code socket} until the conversation ends; the caller closes the socket afterwards.
     *
     * @throws IOException when the connection fails; the caller just closes it
     */
    void handle(TcpSocket socket) throws IOException;
}
