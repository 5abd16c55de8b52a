package io.loomring.nio;

import static java.nio.channels.SelectionKey.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The channels with a {@code Selector} of the same provider: valid operations, registration rules,
 * readiness for accept, connect, read and write, a peer's close seen as readable, keys of closed
 * channels, and a single-threaded selector echo server for many clients ({@link SelectorEchoServer}).
 */
class ChannelSelectorContractTest extends ChannelCompatibilityContract {

    /** One select of at most {@link #PROMPTLY}, which must find {@code key} ready with {@code ops}. */
    private static void selectReady(Selector selector, SelectionKey key, int ops) throws Exception {
        selector.selectedKeys().clear();
        assertEquals(1, selector.select(PROMPTLY.toMillis()), "one key selected");
        assertEquals(Set.of(key), selector.selectedKeys());
        assertEquals(ops, key.readyOps() & ops, () -> "ready " + key.readyOps() + ", wanted " + ops);
    }

    @Test
    void validOps() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(); ServerSocketChannel s = provider().openServerSocketChannel()) {
            assertEquals(OP_READ | OP_WRITE | OP_CONNECT, c.validOps());
            assertEquals(OP_ACCEPT, s.validOps());
        }
    }

    @Test
    void registrationRules() throws Exception {
        try (Selector selector = provider().openSelector(); SocketChannel c = provider().openSocketChannel();
                ServerSocketChannel s = provider().openServerSocketChannel()) {
            assertSame(provider(), selector.provider());
            assertThrows(IllegalBlockingModeException.class, () -> c.register(selector, OP_READ), "blocking");
            c.configureBlocking(false);
            s.configureBlocking(false);
            assertThrows(IllegalArgumentException.class, () -> s.register(selector, OP_READ), "not a valid op");
            assertThrows(IllegalArgumentException.class, () -> c.register(selector, OP_ACCEPT));
            SelectionKey key = c.register(selector, OP_READ, "attached");
            assertTrue(c.isRegistered() && key.isValid());
            assertSame(key, c.keyFor(selector));
            assertSame(c, key.channel());
            assertSame(selector, key.selector());
            assertEquals("attached", key.attachment());
            assertEquals(OP_READ, key.interestOps());
            assertSame(key, c.register(selector, OP_READ | OP_WRITE), "registering again updates the same key");
            assertEquals(OP_READ | OP_WRITE, key.interestOps());
            assertNull(key.attachment(), "and replaces the attachment");
            assertThrows(IllegalBlockingModeException.class, () -> c.configureBlocking(true), "registered");
            assertFalse(c.isBlocking());
            assertEquals(Set.of(key), selector.keys());
            assertThrows(UnsupportedOperationException.class, () -> selector.keys().clear(), "the key set is read-only");
            key.cancel();
            assertFalse(key.isValid());
            assertThrows(java.nio.channels.CancelledKeyException.class, () -> key.interestOps(OP_READ));
            selector.selectNow();
            assertFalse(c.isRegistered(), "deregistered by the selection after the cancel");
            c.configureBlocking(true); // allowed again
            c.configureBlocking(false);
            c.close();
            assertThrows(java.nio.channels.ClosedChannelException.class, () -> c.register(selector, OP_READ));
            selector.close();
            assertThrows(java.nio.channels.ClosedSelectorException.class, () -> s.register(selector, OP_ACCEPT));
            assertThrows(java.nio.channels.ClosedSelectorException.class, selector::selectNow);
            assertFalse(selector.isOpen());
        }
    }

    @Test
    void acceptReadiness() throws Exception {
        try (Selector selector = provider().openSelector(); ServerSocketChannel server = listen(V4)) {
            server.configureBlocking(false);
            SelectionKey key = server.register(selector, OP_ACCEPT);
            assertEquals(0, selector.selectNow(), "nobody is connecting");
            try (SocketChannel c = provider().openSocketChannel()) {
                c.connect(server.getLocalAddress());
                selectReady(selector, key, OP_ACCEPT);
                assertTrue(key.isAcceptable());
                try (SocketChannel a = server.accept()) {
                    assertNotNull(a);
                }
            }
        }
    }

    @Test
    void connectReadinessCompletesANonBlockingConnect() throws Exception {
        try (Selector selector = provider().openSelector(); ServerSocketChannel server = listen(V4);
                SocketChannel c = provider().openSocketChannel()) {
            c.configureBlocking(false);
            assertFalse(c.connect(server.getLocalAddress()));
            SelectionKey key = c.register(selector, OP_CONNECT);
            selectReady(selector, key, OP_CONNECT);
            assertTrue(key.isConnectable());
            assertTrue(c.finishConnect());
            assertTrue(c.isConnected());
            key.interestOps(0);
            assertEquals(0, selector.selectNow(), "no interest, nothing selected");
            server.accept().close();
        }
    }

    @Test
    void readReadinessAndPeerClose() throws Exception {
        try (Selector selector = provider().openSelector(); ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                a.configureBlocking(false);
                SelectionKey key = a.register(selector, OP_READ);
                assertEquals(0, selector.selectNow(), "nothing to read yet");
                c.write(ascii("ping"));
                selectReady(selector, key, OP_READ);
                assertTrue(key.isReadable());
                ByteBuffer b = ByteBuffer.allocate(16);
                assertEquals(4, a.read(b));
                selector.selectedKeys().clear();
                assertEquals(0, selector.selectNow(), "read empty, not ready any more");
                c.close();
                selectReady(selector, key, OP_READ);
                assertEquals(-1, a.read(b), "the peer's close is readable as end of stream");
            }
        }
    }

    @Test
    void writeReadinessFollowsTheSendBuffer() throws Exception {
        try (Selector selector = provider().openSelector(); ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.configureBlocking(false);
                SelectionKey key = c.register(selector, OP_WRITE | OP_READ);
                selectReady(selector, key, OP_WRITE);
                assertEquals(OP_WRITE, key.readyOps(), "writable, and nothing to read");
                ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
                long written = 0;
                for (int n; (n = c.write(chunk.clear())) > 0; ) {
                    written += n;
                }
                selector.selectedKeys().clear();
                assertEquals(0, selector.selectNow(), "a full send buffer is not writable");
                ByteBuffer drain = ByteBuffer.allocate(1 << 20);
                long read = 0;
                while (read < written) {
                    read += a.read(drain.clear());
                }
                selectReady(selector, key, OP_WRITE);
            }
        }
    }

    @Test
    void closingARegisteredChannelCancelsItsKey() throws Exception {
        try (Selector selector = provider().openSelector(); ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                a.configureBlocking(false);
                SelectionKey key = a.register(selector, OP_READ);
                a.close();
                assertFalse(key.isValid(), "closing the channel cancels its key at once");
                assertTrue(selector.keys().contains(key), "the key stays in the key set until the next selection");
                assertEquals(0, selector.selectNow());
                assertFalse(selector.keys().contains(key), "the selection deregistered it");
                assertFalse(a.isRegistered());
                assertEquals(-1, c.read(ByteBuffer.allocate(1)), "and the socket is closed for the peer");
            }
        }
    }

    @Test
    void wakeupEndsABlockedSelect() throws Exception {
        try (Selector selector = provider().openSelector()) {
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger selected = new java.util.concurrent.atomic.AtomicInteger(-1);
            Thread t = blocked(thrown, () -> {
                selected.set(selector.select());
                throw new java.io.EOFException("returned");
            });
            assertSame(selector, selector.wakeup());
            assertEquals("returned", outcome(t, thrown).getMessage());
            assertEquals(0, selected.get());
        }
    }

    @Test
    void singleThreadedEchoServerFor100Clients() throws Exception {
        int clients = 100;
        try (SelectorEchoServer echo = new SelectorEchoServer(provider(), V4)) {
            java.util.List<java.util.concurrent.Future<String>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String msg = "message " + i + " " + "y".repeat(i * 37);
                replies.add(virtual(() -> {
                    try (SocketChannel c = provider().openSocketChannel()) {
                        c.connect(echo.address());
                        writeFully(c, ascii(msg));
                        String got = readAscii(c, msg.length());
                        c.shutdownOutput();
                        assertEquals(-1, c.read(ByteBuffer.allocate(1)), "the server closes after our end of stream");
                        return got;
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                assertEquals("message " + i + " " + "y".repeat(i * 37), get(replies.get(i)));
            }
            assertEquals(clients, echo.served(clients));
        }
    }
}
