package io.loomring.examples.resp;

import io.loomring.examples.ConnectionHandler;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.util.List;

/**
 * A small Redis-compatible key-value server (RESP2). Each connection reads commands, runs every
 * complete one it has (clients pipeline many per write), and answers the batch with one write.
 * One {@link KeyValueStore} is shared by all connections of a handler.
 */
public final class RespHandler implements ConnectionHandler {
    private final KeyValueStore store = new KeyValueStore();

    /** A handler with an empty store. */
    public RespHandler() {}

    @Override
    public void handle(TcpSocket socket) throws IOException {
        handle((ByteChannel) socket);
    }

    /**
     * Serves one connection of any socket stack whose {@code write} writes all it is given or
     * returns early (the benchmarks run this handler on the JDK's sockets too); the caller closes it
     * afterwards.
     *
     * @throws IOException when the connection fails
     */
    public void handle(ByteChannel socket) throws IOException {
        RespReader in = new RespReader();
        RespWriter out = new RespWriter();
        try {
            while (true) {
                List<byte[]> command;
                while ((command = in.next()) != null) {
                    if (!command.isEmpty() && !store.execute(command, out)) {
                        out.flushTo(socket); // QUIT
                        return;
                    }
                    if (out.isFull()) {
                        out.flushTo(socket);
                    }
                }
                out.flushTo(socket);
                if (in.fill(socket) < 0) {
                    return;
                }
            }
        } catch (RespProtocolException e) {
            // The stream cannot be resynchronised: answer what came before, say why, and hang up.
            out.error("ERR Protocol error: " + e.getMessage());
            out.flushTo(socket);
        }
    }
}
