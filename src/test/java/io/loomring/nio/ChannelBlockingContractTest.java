package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.*;

import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Channels in blocking mode: connect and accept, reads and writes (scattering and gathering, heap
 * and direct buffers), a large transfer both ways, end of stream, the two half-closes, and many
 * connections served by virtual threads at once.
 */
class ChannelBlockingContractTest extends ChannelCompatibilityContract {

    @Test
    void readAndWriteBothWays() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                assertEquals(5, c.write(ascii("hello")), "a blocking write writes everything");
                assertEquals("hello", readAscii(a, 5));
                assertEquals(3, a.write(ascii("hi!")));
                assertEquals("hi!", readAscii(c, 3));
                assertEquals(0, c.read(ByteBuffer.allocate(0)), "reading into a full buffer reads nothing");
                assertEquals(0, c.write(ByteBuffer.allocate(0)), "writing nothing writes nothing");
            }
        }
    }

    @Test
    void readReturnsWhatHasArrived() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                Future<Integer> read = virtual(() -> a.read(ByteBuffer.allocate(1000)));
                c.write(ascii("abc"));
                assertEquals(3, get(read), "a read does not wait to fill the buffer");
            }
        }
    }

    @Test
    void scatterAndGatherWithHeapAndDirectBuffers() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                ByteBuffer[] out = {ascii("abc"), ByteBuffer.allocateDirect(5).put(ascii("defgh")).flip(), ascii("ij"),
                    ascii("SKIPPED")};
                assertEquals(10, c.write(out, 0, 3), "a blocking gathering write writes every buffer");
                assertEquals(7, out[3].remaining(), "buffers outside offset and length are untouched");
                ByteBuffer[] in = {ByteBuffer.allocateDirect(4), ByteBuffer.allocate(6), ByteBuffer.allocate(3)};
                long total = 0;
                while (total < 10) {
                    long n = a.read(in, 0, 2);
                    assertTrue(n > 0, "got " + n);
                    total += n;
                }
                assertEquals(10, total);
                assertEquals(0, in[2].position(), "buffers outside offset and length are untouched");
                byte[] got = new byte[10];
                in[0].flip().get(got, 0, 4);
                in[1].flip().get(got, 4, 6);
                assertEquals("abcdefghij", new String(got, java.nio.charset.StandardCharsets.US_ASCII));
                assertThrows(IndexOutOfBoundsException.class, () -> c.write(out, 2, 3));
            }
        }
    }

    @Test
    void largeTransferIsEchoedIntact() throws Exception {
        int size = 8 << 20;
        byte[] data = random(size, 42);
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                Future<Void> echo = virtual(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(64 << 10);
                    while (a.read(b) >= 0) {
                        b.flip();
                        writeFully(a, b);
                        b.clear();
                    }
                    a.shutdownOutput();
                    return null;
                });
                Future<Void> send = virtual(() -> {
                    for (int off = 0; off < size; off += 100_000) {
                        ByteBuffer chunk = (off / 100_000) % 2 == 0
                                ? ByteBuffer.wrap(data, off, Math.min(100_000, size - off))
                                : ByteBuffer.allocateDirect(Math.min(100_000, size - off)).put(data, off, Math.min(100_000, size - off)).flip();
                        writeFully(c, chunk);
                    }
                    c.shutdownOutput();
                    return null;
                });
                CRC32 got = new CRC32();
                long received = 0;
                ByteBuffer b = ByteBuffer.allocate(50_000);
                for (int n; (n = c.read(b)) >= 0; b.clear()) {
                    got.update(b.array(), 0, n);
                    received += n;
                }
                get(send);
                get(echo);
                CRC32 sent = new CRC32();
                sent.update(data);
                assertEquals(size, received);
                assertEquals(sent.getValue(), got.getValue(), "the echo came back intact");
            }
        }
    }

    @Test
    void peerCloseIsEndOfStream() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]) {
                p[1].write(ascii("last"));
                p[1].close();
                assertEquals("last", readAscii(c, 4), "data sent before the close arrives first");
                assertEquals(-1, c.read(ByteBuffer.allocate(8)));
                assertEquals(-1, c.read(ByteBuffer.allocate(8)), "end of stream stays");
                assertEquals(-1, c.read(new ByteBuffer[] {ByteBuffer.allocate(8)}));
                assertTrue(c.isOpen() && c.isConnected());
            }
        }
    }

    @Test
    void shutdownInputReadsEndOfStream() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                assertSame(c, c.shutdownInput());
                assertEquals(-1, c.read(ByteBuffer.allocate(8)));
                c.shutdownInput(); // again: no effect
                assertEquals(2, c.write(ascii("ok")), "output still works");
                assertEquals("ok", readAscii(a, 2));
                assertTrue(c.isOpen() && c.isConnected());
                assertTrue(c.socket().isInputShutdown());
            }
        }
    }

    @Test
    void shutdownInputWakesABlockedRead() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger(99);
                java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
                Thread t = blocked(thrown, () -> {
                    got.set(c.read(ByteBuffer.allocate(8)));
                    throw new java.io.EOFException("returned");
                });
                c.shutdownInput();
                Throwable r = outcome(t, thrown);
                assertEquals("returned", r.getMessage(), () -> "got " + r);
                assertEquals(-1, got.get(), "the blocked read returns end of stream");
            }
        }
    }

    @Test
    void shutdownOutputIsEndOfStreamForThePeer() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.write(ascii("bye"));
                assertSame(c, c.shutdownOutput());
                assertEquals("bye", readAscii(a, 3));
                assertEquals(-1, a.read(ByteBuffer.allocate(8)));
                assertThrows(ClosedChannelException.class, () -> c.write(ascii("more")));
                assertTrue(c.isOpen(), "a write after shutdownOutput does not close the channel");
                a.write(ascii("back"));
                assertEquals("back", readAscii(c, 4), "input still works");
                assertTrue(c.socket().isOutputShutdown());
            }
        }
    }

    @Test
    void echoFor200VirtualThreadsAtOnce() throws Exception {
        int clients = 200;
        try (ServerSocketChannel server = provider().openServerSocketChannel()) {
            server.bind(new java.net.InetSocketAddress(V4, 0), clients);
            Future<Void> acceptor = virtual(() -> {
                for (int i = 0; i < clients; i++) {
                    SocketChannel a = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (a) {
                            ByteBuffer b = ByteBuffer.allocate(1024);
                            while (a.read(b) >= 0) {
                                writeFully(a, b.flip());
                                b.clear();
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                }
                return null;
            });
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String msg = "client " + i + " " + "x".repeat(i * 10);
                replies.add(virtual(() -> {
                    try (SocketChannel c = provider().openSocketChannel()) {
                        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        c.connect(server.getLocalAddress());
                        writeFully(c, ascii(msg));
                        String got = readAscii(c, msg.length());
                        c.shutdownOutput();
                        assertEquals(-1, c.read(ByteBuffer.allocate(1)));
                        return got;
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                assertEquals("client " + i + " " + "x".repeat(i * 10), get(replies.get(i)));
            }
            get(acceptor);
        }
    }
}
