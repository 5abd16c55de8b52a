package io.loomring.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.Pipe;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a log shows of Loomring's objects: a use after close says what was closed (the JDK's
 * {@link ClosedChannelException} has no message), and the java.net drop-in's sockets name
 * themselves apart from the JDK's.
 */
class SelfDescribingTest {

    @Test
    void aUseAfterCloseSaysWhatWasClosed() throws Exception {
        try (IoScheduler io = Loopback.scheduler(Backend.EPOLL);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 8, false, io)) {
            TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
            int fd = client.fd();
            client.close();
            ClosedChannelException e = assertThrows(ClosedChannelException.class,
                    () -> client.write(ByteBuffer.wrap(new byte[1])));
            assertEquals("TcpSocket (fd " + fd + ") is closed", e.getMessage());
            assertThrows(ClosedChannelException.class, client::fd);
            int serverFd = server.fd();
            server.close();
            e = assertThrows(ClosedChannelException.class, server::accept);
            assertEquals("TcpServerSocket (fd " + serverFd + ") is closed", e.getMessage());
        }
        Pipe pipe = Pipe.open();
        pipe.close();
        ClosedChannelException e = assertThrows(ClosedChannelException.class, () -> pipe.read(ByteBuffer.allocate(1)));
        assertTrue(e.getMessage().matches("Pipe read end \\(fd \\d+\\) is closed"), e.getMessage());
    }

    @Test
    void dropInSocketsNameThemselves() throws Exception {
        try (IoScheduler io = Loopback.scheduler(Backend.EPOLL);
             ServerSocket server = new LoomringServerSocketFactory(io).createServerSocket(0, 8, Loopback.V4);
             Socket client = new LoomringSocketFactory(io).createSocket(Loopback.V4, server.getLocalPort());
             Socket accepted = server.accept()) {
            assertTrue(server.toString().startsWith("LoomringServerSocket[addr="), server.toString());
            assertTrue(client.toString().startsWith("LoomringSocket[addr="), client.toString());
            assertTrue(accepted.toString().startsWith("LoomringSocket[addr="), accepted.toString());
            assertTrue(client.toString().endsWith(",localport=" + client.getLocalPort() + "]"), client.toString());
        }
    }
}
