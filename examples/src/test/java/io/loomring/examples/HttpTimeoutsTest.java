package io.loomring.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP server's {@code --request-timeout} and {@code --idle-timeout}, with one-second limits,
 * on both backends and both thread modes. Each wait for the server is bounded: without the
 * timeouts these connections would stay open for ever.
 */
@Timeout(60)
class HttpTimeoutsTest {
    /** Far above the one-second limits, for a busy two-core machine; far below "for ever". */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String GET = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void halfARequestLineGets408AndTheConnectionCloses(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "1", "--idle-timeout", "30");
             Socket half = HttpServerTest.connect(server); Socket silent = HttpServerTest.connect(server)) {
            long began = System.nanoTime();
            HttpServerTest.send(half, "GET /ind");
            String response = assertTimeoutPreemptively(BOUND, () -> readAll(half));
            assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
            assertTrue(response.contains("Connection: close\r\n"), response);
            assertTrue(elapsedMillis(began) >= 900, "closed before the timeout: " + elapsedMillis(began) + " ms");
            // A connection that never sent its first request is due from the accept on: EOF, no 408.
            assertEquals("", assertTimeoutPreemptively(BOUND, () -> readAll(silent)));
            awaitNoConnections(server); // the server closed its fds, not just sent FIN
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void anIdleKeepAliveConnectionIsClosed(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "30", "--idle-timeout", "1");
             Socket s = HttpServerTest.connect(server)) {
            HttpServerTest.send(s, GET);
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
            long answered = System.nanoTime();
            assertEquals("", assertTimeoutPreemptively(BOUND, () -> readAll(s))); // no 408: just closed
            assertTrue(elapsedMillis(answered) >= 900, "closed before the timeout: " + elapsedMillis(answered) + " ms");
            awaitNoConnections(server);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void aConnectionThatKeepsSendingRequestsStaysOpen(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "1", "--idle-timeout", "1");
             Socket s = HttpServerTest.connect(server)) {
            // Each request arrives in two halves and each is followed by a pause, all well within
            // one second, but together several seconds: the limits apply to each wait, not to the
            // connection's life. (Sleeps here pace the client; they wait for nothing.)
            long began = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                HttpServerTest.send(s, "GET / HTTP/1.1\r\n");
                Thread.sleep(300);
                HttpServerTest.send(s, "Host: test\r\n\r\n");
                assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
                Thread.sleep(300);
            }
            assertTrue(elapsedMillis(began) > 2500);
            HttpServerTest.send(s, GET);
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void zeroMeansNoLimit(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "0", "--idle-timeout", "0");
             Socket half = HttpServerTest.connect(server); Socket idle = HttpServerTest.connect(server)) {
            HttpServerTest.send(half, "GET / HTTP/1.1\r\nHo");
            HttpServerTest.send(idle, GET);
            assertTrue(readResponse(idle.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
            // Two seconds, twice the limit the tests above use: neither connection hears anything.
            half.setSoTimeout(2000);
            assertThrows(SocketTimeoutException.class, () -> half.getInputStream().read());
            idle.setSoTimeout(100);
            assertThrows(SocketTimeoutException.class, () -> idle.getInputStream().read());
            assertEquals(2, ((LoomringServer) server).connectionCount());
            // And both are still served.
            half.setSoTimeout(30_000);
            HttpServerTest.send(half, "st: test\r\n\r\n");
            assertTrue(readResponse(half.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
            HttpServerTest.send(idle, GET);
            assertTrue(readResponse(idle.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
        }
    }

    private static ExampleServer start(Backend backend, String mode, String... timeouts) throws IOException {
        String[] args = new String[timeouts.length + 2];
        args[0] = "--mode";
        args[1] = mode;
        System.arraycopy(timeouts, 0, args, 2, timeouts.length);
        return Backends.start("http", backend, args);
    }

    private static void awaitNoConnections(ExampleServer server) {
        await().atMost(BOUND).until(() -> ((LoomringServer) server).connectionCount() == 0);
    }

    private static String readAll(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static long elapsedMillis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** Reads one response of the example's: a head, then a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("EOF inside a response head: " + head);
            }
            head.append((char) c);
        }
        int at = head.indexOf("Content-Length: ") + "Content-Length: ".length();
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
