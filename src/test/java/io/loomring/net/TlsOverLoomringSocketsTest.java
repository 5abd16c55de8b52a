package io.loomring.net;

import static io.loomring.net.TlsPair.get;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS layered over Loomring's drop-in sockets, the way PgJDBC's {@code sslmode} and HttpClient's
 * TLS strategy layer it ({@code SSLSocketFactory.createSocket(socket, host, port, true)}): TLSv1.3
 * with a self-signed certificate, on each backend, driven from platform, ordinary virtual and
 * carried virtual threads. 10 MiB each way through an echo, checked byte for byte at both ends,
 * once with the JDK's own TLS server as the peer and once with both ends layered over Loomring
 * sockets; a read timeout on the TLS socket; closing the TLS socket closes the socket under it.
 */
class TlsOverLoomringSocketsTest {
    private static final int SIZE = 10 << 20;
    private static final Duration TRANSFER = Duration.ofSeconds(120);
    private static final byte[] PAYLOAD = payload();

    static Stream<Arguments> backendsAndThreads() {
        return Loopback.backends().flatMap(b -> Stream.of(ThreadKind.values()).map(k -> Arguments.of(b, k)));
    }

    @ParameterizedTest(name = "{0}, {1} threads")
    @MethodSource("backendsAndThreads")
    void clientLayeredOverALoomringSocketEchoesTenMiBWithTheJdksTlsServer(Backend backend, ThreadKind kind)
            throws Exception {
        SelfSignedTls tls = SelfSignedTls.get();
        try (IoScheduler io = Loopback.scheduler(backend); SSLServerSocket jdk = tls.jdkServer()) {
            ThreadFactory threads = kind.factory(io);
            long completions = io.stats().completions();
            // The JDK's end runs on a platform thread: only the client side is Loomring's here.
            CompletableFuture<Long> echoed = OnThread.start(Thread.ofPlatform().factory(), () -> {
                try (SSLSocket s = TlsPair.handshake((SSLSocket) jdk.accept())) {
                    return echo(s);
                }
            });
            CompletableFuture<SSLSocket> connected = OnThread.start(threads, () -> {
                kind.assertCurrent();
                Socket raw = new LoomringSocketFactory(io).createSocket();
                raw.connect(jdk.getLocalSocketAddress(), (int) TlsPair.HANDSHAKE.toMillis());
                return TlsPair.handshake(tls.overClient(raw));
            });
            try (SSLSocket client = get(connected, TlsPair.HANDSHAKE, "connect and handshake")) {
                assertTls13WithOurCertificate(tls, client);
                exchangeTenMiB(threads, kind, client, echoed);
            }
            assertTrue(io.stats().completions() > completions, () -> "no wait completed on " + io);
        }
    }

    @ParameterizedTest(name = "{0}, {1} threads")
    @MethodSource("backendsAndThreads")
    void bothEndsLayeredOverLoomringSocketsEchoTenMiB(Backend backend, ThreadKind kind) throws Exception {
        SelfSignedTls tls = SelfSignedTls.get();
        try (IoScheduler io = Loopback.scheduler(backend)) {
            ThreadFactory threads = kind.factory(io);
            long completions = io.stats().completions();
            try (TlsPair pair = TlsPair.open(io, tls, threads, kind)) {
                assertTls13WithOurCertificate(tls, pair.client());
                assertEquals(SelfSignedTls.PROTOCOL, pair.server().getSession().getProtocol());
                assertFalse(pair.server().getUseClientMode());
                CompletableFuture<Long> echoed = OnThread.start(threads, () -> {
                    try (SSLSocket s = pair.server()) {
                        return echo(s);
                    }
                });
                exchangeTenMiB(threads, kind, pair.client(), echoed);
            }
            assertTrue(io.stats().completions() > completions, () -> "no wait completed on " + io);
        }
    }

    @ParameterizedTest(name = "{0}, {1} threads")
    @MethodSource("backendsAndThreads")
    void aReadTimeoutOnTheTlsSocketThrowsAndLeavesItUsable(Backend backend, ThreadKind kind) throws Exception {
        SelfSignedTls tls = SelfSignedTls.get();
        try (IoScheduler io = Loopback.scheduler(backend);
             TlsPair pair = TlsPair.open(io, tls, kind.factory(io), kind)) {
            ThreadFactory threads = kind.factory(io);
            SSLSocket client = pair.client();
            CompletableFuture<String> server = OnThread.start(threads, () -> {
                String got = readAscii(pair.server(), 4);
                pair.server().getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                return got;
            });
            String answer = get(OnThread.start(threads, () -> {
                client.setSoTimeout(200);
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMillis >= 150 && tookMillis < 5_000, "read timed out after " + tookMillis + " ms");
                assertFalse(client.isClosed());
                assertFalse(pair.clientRaw().isClosed());
                client.setSoTimeout(TlsPair.SAFETY_MILLIS);
                client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                return readAscii(client, 4);
            }), Duration.ofSeconds(20), "timed-out read, then ping/pong");
            String request = get(server, Duration.ofSeconds(20), "server read");
            assertEquals("ping", request);
            assertEquals("pong", answer);
        }
    }

    @ParameterizedTest(name = "{0}, {1} threads")
    @MethodSource("backendsAndThreads")
    void closingTheTlsSocketClosesTheLoomringSocketUnderIt(Backend backend, ThreadKind kind) throws Exception {
        SelfSignedTls tls = SelfSignedTls.get();
        try (IoScheduler io = Loopback.scheduler(backend);
             TlsPair pair = TlsPair.open(io, tls, kind.factory(io), kind)) {
            ThreadFactory threads = kind.factory(io);
            long clientSocket = SocketInodes.inode(pair.clientRaw());
            long serverSocket = SocketInodes.inode(pair.serverRaw());
            assertNotEquals(clientSocket, serverSocket);

            get(OnThread.start(threads, () -> {
                TlsPair.closePromptly(pair.client());
                return null;
            }), Duration.ofSeconds(10), "client close");
            assertTrue(pair.clientRaw().isClosed(), "the Loomring socket under the closed TLS socket is open");
            await().atMost(Duration.ofSeconds(5)).until(() -> SocketInodes.fds(clientSocket).isEmpty());

            // The server end sees the close (close_notify: end of stream), then closes likewise.
            int read = get(OnThread.start(threads, () -> pair.server().getInputStream().read()),
                    Duration.ofSeconds(10), "server read after the client's close");
            assertEquals(-1, read);
            assertFalse(pair.serverRaw().isClosed());
            assertFalse(SocketInodes.fds(serverSocket).isEmpty());
            get(OnThread.start(threads, () -> {
                TlsPair.closePromptly(pair.server());
                return null;
            }), Duration.ofSeconds(10), "server close");
            assertTrue(pair.serverRaw().isClosed());
            await().atMost(Duration.ofSeconds(5)).until(() -> SocketInodes.fds(serverSocket).isEmpty());
        }
    }

    private static void assertTls13WithOurCertificate(SelfSignedTls tls, SSLSocket client) throws IOException {
        assertTrue(client.getUseClientMode());
        assertEquals(SelfSignedTls.PROTOCOL, client.getSession().getProtocol());
        assertEquals(tls.certificate, client.getSession().getPeerCertificates()[0]);
    }

    /**
     * Writes the payload on one thread while another reads the echo back, then half-closes (TLSv1.3
     * close_notify; the echo end's read returns -1, it closes, and so the client's read does too).
     * The client and the echo end each check every byte they received, in order, and count them.
     */
    private static void exchangeTenMiB(ThreadFactory threads, ThreadKind kind, SSLSocket client,
            CompletableFuture<Long> echoed) throws Exception {
        CompletableFuture<Void> written = OnThread.start(threads, () -> {
            kind.assertCurrent();
            OutputStream out = client.getOutputStream();
            // chunks of varied sizes: below, at, just above and far above one TLS record (16 KiB)
            int[] sizes = {1, 700, 16_384, 16_385, 65_536, 250_000};
            for (int offset = 0, i = 0; offset < SIZE; i++) {
                int n = Math.min(sizes[i % sizes.length], SIZE - offset);
                out.write(PAYLOAD, offset, n);
                offset += n;
            }
            out.flush();
            client.shutdownOutput();
            return null;
        });
        CompletableFuture<Long> readBack = OnThread.start(threads, () -> {
            kind.assertCurrent();
            return checkedCount(client.getInputStream(), "the client");
        });
        assertEquals(SIZE, get(readBack, TRANSFER, "reading the echo"), "bytes echoed back to the client");
        get(written, TRANSFER, "writing");
        assertEquals(SIZE, get(echoed, TRANSFER, "the echo"), "bytes the echo end received");
    }

    /** Echoes what {@code s} reads, checking each byte, until end of stream; returns the count. */
    private static long echo(SSLSocket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[20_000];
        long offset = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            check(buf, n, offset, "the echo end");
            out.write(buf, 0, n);
            offset += n;
        }
        return offset;
    }

    /** Reads {@code in} to its end, checking each byte against the payload; returns the count. */
    private static long checkedCount(InputStream in, String who) throws IOException {
        byte[] buf = new byte[8_192];
        long offset = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            check(buf, n, offset, who);
            offset += n;
        }
        return offset;
    }

    private static void check(byte[] buf, int n, long offset, String who) {
        if (offset + n > SIZE) {
            fail(who + " received more than " + SIZE + " bytes");
        }
        for (int i = 0; i < n; i++) {
            if (buf[i] != PAYLOAD[(int) offset + i]) {
                fail(who + " received a wrong byte at offset " + (offset + i));
            }
        }
    }

    private static String readAscii(SSLSocket s, int n) throws IOException {
        byte[] b = s.getInputStream().readNBytes(n);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** Pseudo-random bytes: a lost, repeated or reordered chunk of any size shows as a wrong byte. */
    private static byte[] payload() {
        byte[] b = new byte[SIZE];
        new java.util.Random(20_250_101).nextBytes(b);
        return b;
    }
}
