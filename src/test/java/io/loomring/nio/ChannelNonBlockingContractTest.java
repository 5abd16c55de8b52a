package io.loomring.nio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Channels in non-blocking mode: a read with nothing to read returns 0, an accept with nobody
 * waiting returns null, a connect returns false and completes through {@code finishConnect}, and a
 * write writes what fits.
 */
class ChannelNonBlockingContractTest extends ChannelCompatibilityContract {

    @Test
    void channelsStartInBlockingMode() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(); ServerSocketChannel s = provider().openServerSocketChannel()) {
            assertTrue(c.isBlocking() && s.isBlocking());
            assertSame(c, c.configureBlocking(false));
            assertFalse(c.isBlocking());
            assertSame(c, c.configureBlocking(false), "setting the same mode again is allowed");
            assertSame(c, c.configureBlocking(true));
            assertTrue(c.isBlocking());
            synchronized (c.blockingLock()) {
                assertTrue(c.isBlocking(), "the blocking lock is the channel's and reentrant for its holder");
            }
        }
    }

    @Test
    void readWithNothingToReadReturnsZero() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.configureBlocking(false);
                ByteBuffer b = ByteBuffer.allocate(16);
                assertEquals(0, c.read(b));
                assertEquals(0, c.read(new ByteBuffer[] {b}));
                a.write(ascii("data"));
                await().atMost(PROMPTLY).until(() -> {
                    assertTrue(c.read(b) >= 0);
                    return b.position() == 4;
                });
                assertEquals("data", new String(b.array(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
                a.close();
                await().atMost(PROMPTLY).until(() -> c.read(ByteBuffer.allocate(4)) == -1);
            }
        }
    }

    @Test
    void acceptWithNobodyWaitingReturnsNull() throws Exception {
        try (ServerSocketChannel server = listen(V4); SocketChannel c = provider().openSocketChannel()) {
            server.configureBlocking(false);
            assertNull(server.accept());
            c.connect(server.getLocalAddress());
            AtomicReference<SocketChannel> accepted = new AtomicReference<>();
            await().atMost(PROMPTLY).until(() -> {
                accepted.set(server.accept());
                return accepted.get() != null;
            });
            try (SocketChannel a = accepted.get()) {
                assertTrue(a.isBlocking(), "an accepted channel is in blocking mode, whatever the server's mode");
                assertEquals(c.getLocalAddress(), a.getRemoteAddress());
            }
            assertNull(server.accept(), "nobody else is waiting");
        }
    }

    @Test
    void connectIsPendingUntilFinishConnect() throws Exception {
        try (ServerSocketChannel server = listen(V4); SocketChannel c = provider().openSocketChannel()) {
            c.configureBlocking(false);
            assertThrows(NoConnectionPendingException.class, c::finishConnect);
            assertFalse(c.connect(server.getLocalAddress()), "a non-blocking TCP connect does not complete at once");
            assertTrue(c.isConnectionPending());
            assertFalse(c.isConnected());
            assertThrows(ConnectionPendingException.class, () -> c.connect(server.getLocalAddress()));
            assertThrows(java.nio.channels.NotYetConnectedException.class, () -> c.read(ByteBuffer.allocate(1)));
            await().atMost(PROMPTLY).until(c::finishConnect);
            assertTrue(c.isConnected());
            assertFalse(c.isConnectionPending());
            assertTrue(c.finishConnect(), "again: still true");
            assertEquals(server.getLocalAddress(), c.getRemoteAddress());
            try (SocketChannel a = server.accept()) {
                assertEquals(c.getLocalAddress(), a.getRemoteAddress());
            }
        }
    }

    @Test
    void blockingFinishConnectWaitsForThePendingConnect() throws Exception {
        try (ServerSocketChannel server = listen(V4); SocketChannel c = provider().openSocketChannel()) {
            c.configureBlocking(false);
            assertFalse(c.connect(server.getLocalAddress()));
            c.configureBlocking(true);
            assertTrue(c.finishConnect(), "in blocking mode finishConnect blocks until connected");
            assertTrue(c.isConnected());
            server.accept().close();
        }
    }

    @Test
    void refusedNonBlockingConnectFailsInFinishConnect() throws Exception {
        InetSocketAddress nobody = refusingV4();
        SocketChannel c = provider().openSocketChannel();
        c.configureBlocking(false);
        assertFalse(c.connect(nobody), "a refusal comes back later, even on loopback");
        assertTrue(c.isConnectionPending());
        c.configureBlocking(true);
        assertThrows(ConnectException.class, c::finishConnect, "a blocking finishConnect waits for the refusal");
        assertFalse(c.isOpen(), "a failed finishConnect closes the channel");
        assertFalse(c.isConnected());
    }

    @Test
    void unixNonBlockingConnectCompletesAtOnce() throws Exception {
        try (ServerSocketChannel server = listenUnix("s");
                SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.UNIX)) {
            c.configureBlocking(false);
            assertTrue(c.connect(server.getLocalAddress()), "a UNIX domain connect to a listener completes at once");
            assertTrue(c.isConnected() && !c.isConnectionPending());
            assertTrue(c.finishConnect());
            server.accept().close();
        }
    }

    @Test
    void writeWritesWhatFits() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.configureBlocking(false);
                byte[] data = random(32 << 20, 7);
                ByteBuffer out = ByteBuffer.wrap(data);
                int first = c.write(out);
                assertTrue(first > 0 && first < data.length, () -> "first write: " + first);
                int zeroes = 0;
                while (zeroes == 0) {
                    int n = c.write(out);
                    assertTrue(n >= 0 && out.hasRemaining(), () -> "wrote " + n);
                    zeroes += n == 0 ? 1 : 0;
                }
                int written = out.position();
                assertEquals(0, c.write(ByteBuffer.wrap(new byte[1])), "nothing fits while the peer does not read");
                byte[] got = readFully(a, written);
                assertArrayEquals(java.util.Arrays.copyOf(data, written), got, "what was written arrives, in order");
            }
        }
    }
}
