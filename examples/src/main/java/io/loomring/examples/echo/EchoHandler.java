package io.loomring.examples.echo;

import io.loomring.examples.ConnectionHandler;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Echo: writes back every byte it reads until the client closes its side. Each connection is one
 * virtual thread running this loop; {@code read} and {@code write} park it, not a platform thread.
 */
public final class EchoHandler implements ConnectionHandler {
    /** An echo handler. */
    public EchoHandler() {}

    @Override
    public void handle(TcpSocket socket) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        while (socket.read(buffer.clear()) != -1) {
            socket.write(buffer.flip()); // writes all of it
        }
    }
}
