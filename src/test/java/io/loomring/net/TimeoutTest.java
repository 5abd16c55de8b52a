package io.loomring.net;

import io.loomring.UnresponsiveListener;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Read, write, accept and connect timeouts throw SocketTimeoutException and keep their promise. */
class TimeoutTest {
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration LONG = Duration.ofSeconds(5);

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void readTimeoutLeavesTheSocketUsable(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket accepted = server.accept(LONG)) {
            client.setReadTimeout(SHORT);
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> client.read(ByteBuffer.allocate(4)));
            assertTrue(System.nanoTime() - start >= SHORT.toNanos(), "timed out early");
            assertTrue(e.getMessage().contains("Read timed out"), e.getMessage());
            assertTrue(client.isOpen());
            assertThrows(SocketTimeoutException.class, () -> client.inputStream().read());

            accepted.write("ok".getBytes(US_ASCII), 0, 2);
            client.setReadTimeout(LONG);
            assertEquals("ok", new String(client.inputStream().readNBytes(2), US_ASCII));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void writeTimeoutWhenThePeerDoesNotRead(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket accepted = server.accept(LONG)) {
            client.setWriteTimeout(SHORT);
            ByteBuffer big = ByteBuffer.allocate(64 << 20);
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> client.write(big));
            assertTrue(e.getMessage().contains("Write timed out"), e.getMessage());
            // the position says how much went out before the timeout
            assertTrue(big.position() > 0 && big.position() < big.capacity(), "position " + big.position());
            assertNotNull(accepted);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void acceptTimeout(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> server.accept(SHORT));
            assertTrue(System.nanoTime() - start >= SHORT.toNanos(), "timed out early");
            assertTrue(e.getMessage().contains("Accept timed out"), e.getMessage());
            assertFalse(server.isClosed());
            try (TcpSocket c = TcpSocket.connect(server.localAddress(), LONG, io);
                 TcpSocket s = server.accept(LONG)) {
                assertEquals(c.localAddress(), s.remoteAddress());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void connectTimeoutClosesTheSocket(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             UnresponsiveListener target = new UnresponsiveListener()) {
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> TcpSocket.connect(target.address(), SHORT, io));
            assertTrue(System.nanoTime() - start >= SHORT.toNanos(), "timed out early");
            assertTrue(e.getMessage().contains("Connect timed out"), e.getMessage());

            TcpSocket s = TcpSocket.open(java.net.StandardProtocolFamily.INET, io);
            assertThrows(SocketTimeoutException.class, () -> s.connectTo(target.address(), SHORT));
            assertFalse(s.isOpen(), "a failed connect closes the socket");
        }
    }
}
