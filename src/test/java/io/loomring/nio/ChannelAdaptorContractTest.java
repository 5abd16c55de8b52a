package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

/**
 * The {@code socket()} adaptors of INET channels: a {@code java.net.Socket} or {@code ServerSocket}
 * view of the channel, with {@code SO_TIMEOUT} on stream reads and accepts, streams that refuse
 * non-blocking mode, and a close that closes the channel. UNIX domain channels have no adaptor.
 */
class ChannelAdaptorContractTest extends ChannelCompatibilityContract {

    @Test
    void adaptorsBelongToTheirChannels() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            ServerSocket ss = server.socket();
            assertSame(ss, server.socket(), "one adaptor per channel");
            assertSame(server, ss.getChannel());
            assertTrue(ss.isBound() && !ss.isClosed());
            assertEquals(((InetSocketAddress) server.getLocalAddress()).getPort(), ss.getLocalPort());
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                Socket s = c.socket();
                assertSame(s, c.socket());
                assertSame(c, s.getChannel());
                assertTrue(s.isConnected() && s.isBound() && !s.isClosed());
                assertEquals(V4, s.getInetAddress());
                assertEquals(ss.getLocalPort(), s.getPort());
                assertEquals(c.getLocalAddress(), s.getLocalSocketAddress());
                assertEquals(c.getRemoteAddress(), s.getRemoteSocketAddress());
                assertSame(a, a.socket().getChannel());
            }
        }
    }

    @Test
    void unconnectedAdaptorIsUnconnected() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.INET)) {
            Socket s = c.socket();
            assertFalse(s.isConnected() || s.isBound() || s.isClosed());
            assertEquals(0, s.getPort());
            assertEquals(-1, s.getLocalPort());
            assertThrows(java.net.SocketException.class, s::getInputStream, "not connected");
        }
    }

    @Test
    void unixChannelsHaveNoAdaptor() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.UNIX);
                ServerSocketChannel s = provider().openServerSocketChannel(StandardProtocolFamily.UNIX)) {
            assertThrows(UnsupportedOperationException.class, c::socket);
            assertThrows(UnsupportedOperationException.class, s::socket);
        }
    }

    @Test
    void streamsReadAndWriteTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                OutputStream out = c.socket().getOutputStream();
                out.write("stream".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write('!');
                out.flush();
                assertEquals("stream!", readAscii(a, 7));
                a.write(ascii("back"));
                InputStream in = c.socket().getInputStream();
                assertArrayEquals("back".getBytes(java.nio.charset.StandardCharsets.US_ASCII), in.readNBytes(4));
                a.close();
                assertEquals(-1, in.read(), "end of stream through the adaptor");
            }
        }
    }

    @Test
    void soTimeoutTimesOutAStreamReadAndKeepsTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.socket().setSoTimeout(200);
                assertEquals(200, c.socket().getSoTimeout());
                InputStream in = c.socket().getInputStream();
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, in::read);
                assertTrue(System.nanoTime() - start >= 150_000_000L, "waited about the timeout");
                assertTrue(c.isOpen() && c.isConnected(), "a timeout leaves the channel open");
                a.write(ascii("late"));
                assertEquals('l', in.read(), "and usable");
                c.socket().setSoTimeout(0);
                assertEquals(3, c.read(ByteBuffer.allocate(3)), "the channel reads the rest");
            }
        }
    }

    @Test
    void soTimeoutDoesNotApplyToChannelReads() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.socket().setSoTimeout(100);
                java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
                Thread reader = blocked(thrown, () -> c.read(ByteBuffer.allocate(1)));
                org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(400)).atMost(PROMPTLY)
                        .until(reader::isAlive);
                reader.interrupt();
                Throwable e = outcome(reader, thrown);
                assertInstanceOf(java.nio.channels.ClosedByInterruptException.class, e,
                        "the channel read waited past SO_TIMEOUT until interrupted");
            }
        }
    }

    @Test
    void adaptorCloseClosesTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.socket().close();
                assertFalse(c.isOpen());
                assertTrue(c.socket().isClosed());
                assertEquals(-1, a.read(ByteBuffer.allocate(1)), "the peer sees the close");
                server.socket().close();
                assertFalse(server.isOpen());
            }
        }
    }

    @Test
    void serverAdaptorAcceptsWithSoTimeout() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            ServerSocket ss = server.socket();
            ss.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, ss::accept);
            assertTrue(server.isOpen(), "a timeout leaves the server open");
            try (SocketChannel c = provider().openSocketChannel()) {
                c.connect(server.getLocalAddress());
                try (Socket s = ss.accept()) {
                    assertNotNull(s.getChannel(), "an adaptor accepts a channel's socket");
                    assertEquals(c.getLocalAddress(), s.getRemoteSocketAddress());
                    s.getOutputStream().write(7);
                    assertEquals(7, readFully(c, 1)[0]);
                }
            }
        }
    }

    @Test
    void serverAdaptorBindsTheChannel() throws Exception {
        try (ServerSocketChannel server = provider().openServerSocketChannel()) {
            server.socket().bind(new InetSocketAddress(V4, 0), 10);
            assertEquals(server.socket().getLocalSocketAddress(), server.getLocalAddress());
        }
    }

    @Test
    void streamsAndAcceptRefuseNonBlockingMode() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                InputStream in = c.socket().getInputStream();
                OutputStream out = c.socket().getOutputStream();
                c.configureBlocking(false);
                assertThrows(IllegalBlockingModeException.class, in::read);
                assertThrows(IllegalBlockingModeException.class, () -> out.write(1));
                server.configureBlocking(false);
                assertThrows(IllegalBlockingModeException.class, () -> server.socket().accept());
                assertTrue(c.isOpen() && server.isOpen());
                c.configureBlocking(true);
                a.write(ascii("x"));
                assertEquals('x', in.read(), "usable again in blocking mode");
            }
        }
    }
}
