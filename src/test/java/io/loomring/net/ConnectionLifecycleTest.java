package io.loomring.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Half-close, end of stream, and resets from the peer. */
class ConnectionLifecycleTest {
    private static final Duration LONG = Duration.ofSeconds(5);

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void halfCloseThenReply(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket accepted = server.accept(LONG)) {
            client.write("request".getBytes(US_ASCII), 0, 7);
            client.shutdownOutput();
            assertThrows(SocketException.class, () -> client.write(new byte[1], 0, 1));

            // the server reads everything, then end of stream, and can still answer
            assertEquals("request", new String(accepted.inputStream().readAllBytes(), US_ASCII));
            assertEquals(-1, accepted.read(ByteBuffer.allocate(1)));
            accepted.write("reply".getBytes(US_ASCII), 0, 5);
            accepted.close();

            client.setReadTimeout(LONG);
            assertEquals("reply", new String(client.inputStream().readAllBytes(), US_ASCII));
            assertEquals(-1, client.read(new byte[4], 0, 4), "end of stream stays end of stream");
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void shutdownInputWakesABlockedReaderWithEndOfStream(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket accepted = server.accept(LONG)) {
            var result = new java.util.concurrent.CompletableFuture<Integer>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    result.complete(client.read(ByteBuffer.allocate(8)));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            org.awaitility.Awaitility.await().atMost(LONG).until(() -> reader.getState() == Thread.State.WAITING);
            client.shutdownInput();
            assertEquals(-1, result.get(LONG.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
            assertEquals(-1, client.read(ByteBuffer.allocate(8)));
            // the other direction still works
            client.write("still".getBytes(US_ASCII), 0, 5);
            assertEquals("still", new String(accepted.inputStream().readNBytes(5), US_ASCII));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void peerResetFailsReadsAndWrites(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            // the peer is a JDK socket that closes with SO_LINGER 0: an RST instead of a FIN
            try (TcpSocket accepted = acceptFrom(server, peer -> {
                peer.setSoLinger(true, 0);
                peer.close();
            })) {
                accepted.setReadTimeout(LONG);
                SocketException e = assertThrows(SocketException.class, () -> accepted.read(ByteBuffer.allocate(8)));
                assertEquals("Connection reset by peer (ECONNRESET)", e.getMessage()); // said once
                // Writing to a reset connection fails (EPIPE) without a SIGPIPE taking the JVM down.
                SocketException w = assertThrows(SocketException.class, () -> {
                    for (int i = 0; i < 100; i++) {
                        accepted.write(new byte[1024], 0, 1024);
                    }
                });
                assertTrue(w.getMessage().equals("Broken pipe (EPIPE)")
                        || w.getMessage().equals("Connection reset by peer (ECONNRESET)"), w.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void ownResetReachesTheJdkPeer(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             java.net.ServerSocket jdkServer = new java.net.ServerSocket(0, 16, Loopback.V4)) {
            TcpSocket client = TcpSocket.connect(
                    (java.net.InetSocketAddress) jdkServer.getLocalSocketAddress(), LONG, io);
            try (Socket peer = jdkServer.accept()) {
                client.setLingerZero();
                client.close();
                peer.setSoTimeout((int) LONG.toMillis());
                SocketException e = assertThrows(SocketException.class, () -> peer.getInputStream().read());
                assertTrue(e.getMessage().contains("reset"), e.getMessage());
            }
        }
    }

    interface PeerAction {
        void apply(Socket peer) throws Exception;
    }

    private static TcpSocket acceptFrom(TcpServerSocket server, PeerAction action) throws Exception {
        Socket peer = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        TcpSocket accepted = server.accept(LONG);
        action.apply(peer);
        return accepted;
    }
}
