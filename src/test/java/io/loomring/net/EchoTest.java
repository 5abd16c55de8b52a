package io.loomring.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips through a TcpServerSocket and TcpSocket on loopback. */
class EchoTest {

    /** Echoes every connection until end of stream, one virtual thread each. */
    static Future<?> echoServer(TcpServerSocket server, ExecutorService pool, int connections) {
        return pool.submit(() -> {
            for (int i = 0; i < connections; i++) {
                TcpSocket s = server.accept();
                pool.submit(() -> {
                    try (s) {
                        byte[] buf = new byte[8192];
                        int n;
                        while ((n = s.read(buf, 0, buf.length)) > 0) {
                            s.write(buf, 0, n);
                        }
                    }
                    return null;
                });
            }
            return null;
        });
    }

    /** Runs {@code body} with a client connected to a one-connection echo server on {@code backend}. */
    static void withEchoClient(Backend backend, EchoClient body) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            echoServer(server, pool, 1);
            try (TcpSocket c = TcpSocket.connect(server.localAddress(), Duration.ZERO, io)) {
                body.run(c);
            }
        }
    }

    /** What a test does with its echo client. */
    interface EchoClient {
        void run(TcpSocket client) throws Exception;
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void byteArrayRoundTrip(Backend backend) throws Exception {
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = Loopback.scheduler(backend);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
                Future<?> acceptor = echoServer(server, pool, 1);
                try (TcpSocket c = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(5), io)) {
                    assertEquals(server.localAddress(), c.remoteAddress());
                    assertEquals(Loopback.V4, c.localAddress().getAddress());
                    byte[] hello = "hello, loom".getBytes(US_ASCII);
                    c.write(hello, 0, hello.length);
                    byte[] back = c.inputStream().readNBytes(hello.length);
                    assertArrayEquals(hello, back);
                    c.shutdownOutput();
                    assertEquals(-1, c.read(new byte[1], 0, 1));
                }
                acceptor.get();
            }
        }
        assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void byteBufferRoundTripHeapAndDirect(Backend backend) throws Exception {
        withEchoClient(backend, c -> {
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer out = direct ? ByteBuffer.allocateDirect(1000) : ByteBuffer.allocate(1000);
            for (int i = 0; i < 1000; i++) {
                out.put((byte) i);
            }
            out.flip();
            assertEquals(1000, c.write(out));
            assertFalse(out.hasRemaining());
            ByteBuffer in = direct ? ByteBuffer.allocateDirect(1000) : ByteBuffer.allocate(1000);
            while (in.hasRemaining()) {
                assertTrue(c.read(in) > 0);
            }
            in.flip();
            for (int i = 0; i < 1000; i++) {
                assertEquals((byte) i, in.get(), "byte " + i);
            }
        }
        });
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void slicedHeapBuffersUseTheirOwnWindow(Backend backend) throws Exception {
        withEchoClient(backend, c -> {
        byte[] backing = "0123456789".getBytes(US_ASCII);
        ByteBuffer out = ByteBuffer.wrap(backing, 2, 6).slice().position(1).limit(4); // "345"
        assertEquals(3, c.write(out));
        byte[] into = new byte[10];
        ByteBuffer in = ByteBuffer.wrap(into, 5, 5).slice().position(2);
        while (in.position() < 5) {
            assertTrue(c.read(in) > 0);
        }
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, '3', '4', '5'}, into);
        });
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void gatherAndScatter(Backend backend) throws Exception {
        withEchoClient(backend, c -> {
        ByteBuffer[] out = {
            ByteBuffer.allocateDirect(3).put("abc".getBytes(US_ASCII)).flip(),
            ByteBuffer.allocateDirect(0),
            ByteBuffer.allocateDirect(4).put("defg".getBytes(US_ASCII)).flip(),
        };
        assertEquals(7, c.write(out));
        ByteBuffer[] in = {ByteBuffer.allocateDirect(2), ByteBuffer.allocateDirect(5)};
        long got = 0;
        while (got < 7) {
            got += c.read(in);
        }
        assertEquals("ab", US_ASCII.decode(in[0].flip()).toString());
        assertEquals("cdefg", US_ASCII.decode(in[1].flip()).toString());

        ByteBuffer[] heap = {ByteBuffer.wrap("xy".getBytes(US_ASCII)), ByteBuffer.wrap("z".getBytes(US_ASCII))};
        assertEquals(3, c.write(heap, 0, 2));
        byte[] back = c.inputStream().readNBytes(3);
        assertEquals("xyz", new String(back, US_ASCII));
        });
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void ipv6RoundTrip(Backend backend) throws Exception {
        Loopback.assumeIpv6();
        try (IoScheduler io = Loopback.scheduler(backend);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress(Loopback.V6, 0), 16, false, io)) {
            assertEquals(Loopback.V6, server.localAddress().getAddress());
            echoServer(server, pool, 1);
            try (TcpSocket c = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(5), io)) {
                assertEquals(Loopback.V6, c.localAddress().getAddress());
                c.outputStream().write("six".getBytes(US_ASCII));
                assertEquals("six", new String(c.inputStream().readNBytes(3), US_ASCII));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void optionsReadBack(Backend backend) throws IOException {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket c = TcpSocket.connect(server.localAddress(), Duration.ZERO, io);
             TcpSocket s = server.accept(Duration.ofSeconds(5))) {
            c.setTcpNoDelay(true);
            assertTrue(c.tcpNoDelay());
            c.setTcpNoDelay(false);
            assertFalse(c.tcpNoDelay());
            c.setKeepAlive(true);
            assertTrue(c.keepAlive());
            c.setReceiveBufferSize(65536);
            assertTrue(c.receiveBufferSize() >= 65536, "SO_RCVBUF " + c.receiveBufferSize());
            c.setSendBufferSize(65536);
            assertTrue(c.sendBufferSize() >= 65536, "SO_SNDBUF " + c.sendBufferSize());
            assertEquals(c.localAddress(), s.remoteAddress());
            assertEquals(s.localAddress(), c.remoteAddress());
        }
    }
}
