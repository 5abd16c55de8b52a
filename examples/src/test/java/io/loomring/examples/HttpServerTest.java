package io.loomring.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HTTP server, driven by the JDK's HttpClient and by raw sockets for what it cannot send. */
@Timeout(60)
class HttpServerTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void answersManyKeepAliveRequestsFromTheJdkClient(Backend backend) throws Exception {
        try (ExampleServer server = Backends.start("http", backend);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .executor(Executors.newVirtualThreadPerTaskExecutor()).build()) {
            URI uri = uri(server, "/");
            for (int i = 0; i < 100; i++) {
                assertEquals("Hello, World!", client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            // Keep-alive: the client sent all of them over one connection, which is still open.
            assertEquals(1, ((LoomringServer) server).connectionCount());

            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : responses) {
                HttpResponse<String> response = f.join();
                assertEquals(200, response.statusCode());
                assertEquals("Hello, World!", response.body());
                assertEquals("13", response.headers().firstValue("Content-Length").orElseThrow());
                assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
                Instant date = ZonedDateTime.parse(response.headers().firstValue("Date").orElseThrow(),
                        DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                assertTrue(Duration.between(date, Instant.now()).abs().toSeconds() < 60, "Date is now: " + date);
            }
        }
    }

    @Test
    void answersOtherPathsWith404AndHeadWithoutBody() throws Exception {
        try (ExampleServer server = Backends.start("http", Backend.AUTO);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(uri(server, "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            HttpResponse<String> head = client.send(
                    HttpRequest.newBuilder(uri(server, "/")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
            assertEquals("13", head.headers().firstValue("Content-Length").orElseThrow());
            HttpResponse<String> post = client.send(
                    HttpRequest.newBuilder(uri(server, "/")).POST(HttpRequest.BodyPublishers.ofString("ignored body")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            // The body of the POST was skipped, so the connection is still in sync.
            assertEquals(200, client.send(HttpRequest.newBuilder(uri(server, "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void answersPipelinedRequestsInOrder(Backend backend) throws Exception {
        try (ExampleServer server = Backends.start("http", backend); Socket s = connect(server)) {
            String get = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";
            s.getOutputStream().write((get + "GET /missing HTTP/1.1\r\nHost: test\r\n\r\n" + get
                    + "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                    + get).getBytes(StandardCharsets.US_ASCII)); // the last one comes after "close"
            InputStream in = s.getInputStream();
            List<String> statuses = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String response = readResponse(in);
                statuses.add(response.lines().findFirst().orElseThrow());
                bodies.add(response.substring(response.indexOf("\r\n\r\n") + 4));
            }
            assertEquals(List.of("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"),
                    statuses);
            assertEquals(List.of("Hello, World!", "", "Hello, World!", "Hello, World!"), bodies);
            assertEquals(-1, in.read()); // closed after the "close" request; the one after it is ignored
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void answersBigWithItsBodyAmongPipelinedRequests(Backend backend) throws Exception {
        byte[] big = io.loomring.examples.http.HttpHandler.bigBody();
        assertEquals(65_536, big.length);
        try (ExampleServer server = Backends.start("http", backend); Socket s = connect(server)) {
            send(s, "GET / HTTP/1.1\r\nHost: test\r\n\r\nGET /big HTTP/1.1\r\nHost: test\r\n\r\n"
                    + "HEAD /big HTTP/1.1\r\nHost: test\r\n\r\nGET /big?x=1 HTTP/1.1\r\nHost: test\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: test\r\n\r\n");
            InputStream in = s.getInputStream();
            assertTrue(readResponse(in).endsWith("\r\n\r\nHello, World!"));
            String bigResponse = readResponse(in);
            assertTrue(bigResponse.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 65536\r\n"),
                    bigResponse.substring(0, 100));
            assertEquals(new String(big, StandardCharsets.US_ASCII), bigResponse.substring(bigResponse.indexOf("\r\n\r\n") + 4));
            // HEAD: the same head, no body (readResponse would wait for 65,536 bytes: read the head alone).
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 200 OK\r\n") && head.toString().contains("Content-Length: 65536\r\n"),
                    head.toString());
            String withQuery = readResponse(in);
            assertEquals(new String(big, StandardCharsets.US_ASCII), withQuery.substring(withQuery.indexOf("\r\n\r\n") + 4));
            assertTrue(readResponse(in).endsWith("\r\n\r\nHello, World!"), "the connection stays in step");
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws Exception {
        try (ExampleServer server = Backends.start("http", Backend.AUTO)) {
            try (Socket s = connect(server)) {
                send(s, "GET / HTTP/1.0\r\n\r\n");
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.contains("Connection: close\r\n"), response);
            }
            try (Socket s = connect(server)) {
                send(s, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                String first = readResponse(s.getInputStream());
                assertTrue(first.contains("Connection: keep-alive\r\n"), first);
                send(s, "GET / HTTP/1.0\r\n\r\n");
                assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200 OK"));
                assertEquals(-1, s.getInputStream().read());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void rejectsMalformedRequestsWith400AndCloses(Backend backend) throws Exception {
        String[] malformed = {
            "GARBAGE\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n", // no Host
            "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n folded: line\r\n\r\n",
        };
        try (ExampleServer server = Backends.start("http", backend)) {
            for (String request : malformed) {
                try (Socket s = connect(server)) {
                    send(s, request);
                    String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), request + " -> " + response);
                    assertTrue(response.contains("Connection: close\r\n"), response);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void refusesAnEndlessHeadWith431AndCloses(Backend backend) throws Exception {
        try (ExampleServer server = Backends.start("http", backend); Socket s = connect(server)) {
            // Header lines that never end in an empty line: four times the limit.
            send(s, "GET / HTTP/1.1\r\nHost: x\r\n");
            String filler = "X-Filler: " + "a".repeat(100) + "\r\n";
            for (int sent = 0; sent < 4 * io.loomring.examples.http.HttpHandler.MAX_HEAD; sent += filler.length()) {
                send(s, filler);
            }
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), response);
            assertTrue(response.contains("Connection: close\r\n"), response);
        }
    }

    @Test
    void refusesAHeadThatNeverEndsWith431() throws Exception {
        try (ExampleServer server = Backends.start("http", Backend.AUTO); Socket s = connect(server)) {
            // Exactly one buffer's worth and then silence: the server must not wait for more.
            send(s, "GET /" + "a".repeat(io.loomring.examples.http.HttpHandler.MAX_HEAD - 5));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), response);
        }
    }

    private static URI uri(ExampleServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
    }

    /** A client socket to {@code server} whose reads give up after 30 s. */
    static Socket connect(ExampleServer server) throws IOException {
        Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        s.setSoTimeout(30_000);
        return s;
    }

    /** Writes {@code text} as ASCII. */
    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("EOF inside a response head: " + head);
            }
            head.append((char) c);
        }
        int length = head.toString().lines()
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElseThrow();
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

}
