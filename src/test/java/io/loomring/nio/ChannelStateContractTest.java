package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

/**
 * A channel's states and the exception each wrong call raises there: not yet bound or connected,
 * already bound or connected, an unresolved address, a refused connect, and everything after close.
 */
class ChannelStateContractTest extends ChannelCompatibilityContract {

    @Test
    void readAndWriteBeforeConnectAreNotYetConnected() throws Exception {
        try (SocketChannel c = provider().openSocketChannel()) {
            assertThrows(NotYetConnectedException.class, () -> c.read(ByteBuffer.allocate(1)));
            assertThrows(NotYetConnectedException.class, () -> c.write(ByteBuffer.allocate(1)));
            assertThrows(NotYetConnectedException.class, () -> c.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(NotYetConnectedException.class, () -> c.write(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(NotYetConnectedException.class, c::shutdownInput);
            assertThrows(NotYetConnectedException.class, c::shutdownOutput);
            assertTrue(c.isOpen(), "still usable");
        }
    }

    @Test
    void acceptBeforeBindIsNotYetBound() throws Exception {
        try (ServerSocketChannel s = provider().openServerSocketChannel()) {
            assertThrows(NotYetBoundException.class, s::accept);
            s.configureBlocking(false);
            assertThrows(NotYetBoundException.class, s::accept);
        }
    }

    @Test
    void bindingTwiceIsAlreadyBound() throws Exception {
        try (ServerSocketChannel s = listen(V4); SocketChannel c = provider().openSocketChannel()) {
            assertThrows(AlreadyBoundException.class, () -> s.bind(new InetSocketAddress(V4, 0)));
            c.bind(new InetSocketAddress(V4, 0));
            assertThrows(AlreadyBoundException.class, () -> c.bind(new InetSocketAddress(V4, 0)));
        }
    }

    @Test
    void bindingAPortInUseIsABindException() throws Exception {
        try (ServerSocketChannel s = listen(V4); ServerSocketChannel other = provider().openServerSocketChannel()) {
            assertThrows(java.net.BindException.class, () -> other.bind(s.getLocalAddress()));
            assertNull(other.getLocalAddress(), "still unbound");
        }
    }

    @Test
    void connectingTwiceIsAlreadyConnected() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                assertThrows(AlreadyConnectedException.class, () -> c.connect(server.getLocalAddress()));
                assertTrue(c.finishConnect(), "finishConnect on a connected channel returns true");
                assertTrue(c.isConnected() && c.isOpen());
                assertThrows(AlreadyBoundException.class, () -> c.bind(new InetSocketAddress(V4, 0)),
                        "a connect binds the channel");
            }
        }
    }

    @Test
    void unresolvedAddressesAreRefused() throws Exception {
        InetSocketAddress nowhere = InetSocketAddress.createUnresolved("nowhere.invalid", 80);
        try (SocketChannel c = provider().openSocketChannel(); ServerSocketChannel s = provider().openServerSocketChannel()) {
            assertThrows(UnresolvedAddressException.class, () -> c.connect(nowhere));
            assertThrows(UnresolvedAddressException.class, () -> c.bind(nowhere));
            assertThrows(UnresolvedAddressException.class, () -> s.bind(nowhere));
            assertTrue(c.isOpen() && !c.isConnectionPending());
        }
    }

    @Test
    void refusedConnectIsAConnectExceptionAndClosesTheChannel() throws Exception {
        InetSocketAddress nobody = refusingV4();
        SocketChannel c = provider().openSocketChannel();
        ConnectException e = assertThrows(ConnectException.class, () -> c.connect(nobody));
        assertFalse(c.isOpen(), () -> "the JDK closes a channel whose connect failed: " + e);
        assertFalse(c.isConnected());
    }

    @Test
    void socketChannelAfterClose() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            SocketChannel c = p[0];
            p[1].close();
            c.close();
            c.close(); // closing twice has no effect
            assertFalse(c.isOpen());
            assertThrows(ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> c.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(ClosedChannelException.class, () -> c.connect(server.getLocalAddress()));
            assertThrows(ClosedChannelException.class, c::finishConnect);
            assertThrows(ClosedChannelException.class, () -> c.bind(null));
            assertThrows(ClosedChannelException.class, c::getLocalAddress);
            assertThrows(ClosedChannelException.class, c::getRemoteAddress);
            assertThrows(ClosedChannelException.class, c::shutdownInput);
            assertThrows(ClosedChannelException.class, c::shutdownOutput);
            assertThrows(ClosedChannelException.class, () -> c.setOption(StandardSocketOptions.TCP_NODELAY, true));
            assertThrows(ClosedChannelException.class, () -> c.getOption(StandardSocketOptions.TCP_NODELAY));
            assertThrows(ClosedChannelException.class, () -> c.configureBlocking(false));
            assertFalse(c.isConnected(), "a closed channel is no longer connected");
        }
    }

    @Test
    void serverChannelAfterClose() throws Exception {
        ServerSocketChannel s = listen(V4);
        s.close();
        assertFalse(s.isOpen());
        assertThrows(ClosedChannelException.class, s::accept);
        assertThrows(ClosedChannelException.class, () -> s.bind(null));
        assertThrows(ClosedChannelException.class, s::getLocalAddress);
        assertThrows(ClosedChannelException.class, () -> s.setOption(StandardSocketOptions.SO_RCVBUF, 4096));
        assertThrows(ClosedChannelException.class, () -> s.getOption(StandardSocketOptions.SO_RCVBUF));
        assertThrows(ClosedChannelException.class, () -> s.configureBlocking(false));
    }

    @Test
    void closeReleasesThePort() throws Exception {
        InetSocketAddress at;
        try (ServerSocketChannel s = listen(V4)) {
            at = (InetSocketAddress) s.getLocalAddress();
        }
        try (ServerSocketChannel again = provider().openServerSocketChannel()) {
            again.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            again.bind(at);
            assertEquals(at, again.getLocalAddress());
        }
        assertThrows(ConnectException.class, () -> provider().openSocketChannel().connect(at), "nobody listens any more");
    }

    @Test
    void nullArgumentsAreRefused() throws Exception {
        try (SocketChannel c = provider().openSocketChannel()) {
            assertThrows(NullPointerException.class, () -> c.connect(null));
            assertThrows(NullPointerException.class, () -> c.setOption(null, 1));
            assertThrows(NullPointerException.class, () -> provider().openSocketChannel(null));
        }
    }
}
