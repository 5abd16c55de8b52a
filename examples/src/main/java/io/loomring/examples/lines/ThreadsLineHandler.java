package io.loomring.examples.lines;

import io.loomring.examples.ConnectionHandler;
import io.loomring.net.TcpSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The line server as blocking code on a virtual thread per connection, over Loomring: the
 * "after" of the migration from {@link SelectorLineServer}. What each selector concept became:
 * <ul>
 *   <li>{@code selector.select()} and the ready-key loop: gone. {@code socket.read} parks this
 *       virtual thread until data arrives; Loomring's poller thread does the waiting for all of them.
 *   <li>The per-connection state object in the key's attachment: local variables.
 *   <li>Switching interest to {@code OP_WRITE} and keeping a pending buffer when the peer is slow:
 *       gone. {@code socket.write} returns once everything is written.
 *   <li>{@code OP_ACCEPT} handling: {@link io.loomring.examples.LoomringServer}'s accept loop,
 *       which starts one virtual thread per connection.
 *   <li>Closing a key on error: an exception unwinds the thread, the caller closes the socket.
 * </ul>
 */
public final class ThreadsLineHandler implements ConnectionHandler {
    /** A handler; it keeps no state between connections. */
    public ThreadsLineHandler() {}

    @Override
    public void handle(TcpSocket socket) throws IOException {
        LineProtocol protocol = new LineProtocol();
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean open = true;
        while (open && socket.read(in.clear()) != -1) {
            open = protocol.process(in.flip(), out);
            socket.write(ByteBuffer.wrap(out.toByteArray()));
            out.reset();
        }
    }
}
