package io.loomring.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JDK's own java.net.Socket and ServerSocket as the peer, in both roles. */
class JdkPeerTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final int SIZE = 4 << 20;

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void jdkClientAgainstLoomringServer(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            // Loomring side: a line-oriented upper-casing server over the stream views
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (TcpSocket s = server.accept(LONG)) {
                    InputStream in = s.inputStream();
                    OutputStream out = s.outputStream();
                    int b;
                    while ((b = in.read()) >= 0) {
                        out.write(Character.toUpperCase(b));
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            try (Socket jdk = new Socket()) {
                jdk.connect(server.localAddress(), (int) LONG.toMillis());
                jdk.setSoTimeout((int) LONG.toMillis());
                jdk.getOutputStream().write("hello jdk".getBytes(US_ASCII));
                jdk.shutdownOutput();
                assertEquals("HELLO JDK", new String(jdk.getInputStream().readAllBytes(), US_ASCII));
            }
            served.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void loomringClientAgainstJdkServerBulk(Backend backend) throws Exception {
        byte[] payload = LargeTransferTest.patternBytes(SIZE);
        try (IoScheduler io = Loopback.scheduler(backend);
             ServerSocket jdkServer = new ServerSocket(0, 16, Loopback.V4)) {
            // JDK side on a platform thread: echoes everything, then closes
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = jdkServer.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (TcpSocket c = TcpSocket.connect((InetSocketAddress) jdkServer.getLocalSocketAddress(), LONG, io)) {
                c.setReadTimeout(LONG);
                CompletableFuture<Void> wrote = CompletableFuture.runAsync(() -> {
                    try {
                        c.outputStream().write(payload);
                        c.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, r -> Thread.ofVirtual().start(r));
                byte[] back = c.inputStream().readAllBytes();
                assertArrayEquals(payload, back);
                wrote.get(LONG.toSeconds(), TimeUnit.SECONDS);
            }
            served.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void ipv6WithJdkPeer(Backend backend) throws Exception {
        Loopback.assumeIpv6();
        try (IoScheduler io = Loopback.scheduler(backend);
             ServerSocket jdkServer = new ServerSocket(0, 16, Loopback.V6)) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (Socket s = jdkServer.accept()) {
                    s.getOutputStream().write("v6".getBytes(US_ASCII));
                    return s.getInetAddress().getHostAddress();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (TcpSocket c = TcpSocket.connect((InetSocketAddress) jdkServer.getLocalSocketAddress(), LONG, io)) {
                assertEquals("v6", new String(c.inputStream().readNBytes(2), US_ASCII));
                assertEquals(Loopback.V6, c.remoteAddress().getAddress());
            }
            assertEquals(Loopback.V6.getHostAddress(), served.get(LONG.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void dualStackServerSeesIpv4PeersAsIpv4(Backend backend) throws Exception {
        Loopback.assumeIpv6();
        // a socket bound to [::] accepts IPv4 connections as IPv4-mapped; addresses come back as IPv4
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(
                     new InetSocketAddress(java.net.InetAddress.getByName("::"), 0), 16, false, io);
             Socket jdk = new Socket(Loopback.V4, server.localAddress().getPort());
             TcpSocket s = server.accept(LONG)) {
            assertEquals(Loopback.V4, s.remoteAddress().getAddress());
            assertEquals(jdk.getLocalPort(), s.remoteAddress().getPort());
        }
    }
}
