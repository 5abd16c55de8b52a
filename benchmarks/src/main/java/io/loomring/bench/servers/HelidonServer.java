package io.loomring.bench.servers;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.loomring.examples.http.HttpHandler;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;

/**
 * A real framework in the HTTP rows: Helidon 4 SE's web server, which accepts on a blocking
 * {@link java.nio.channels.ServerSocketChannel} and serves each connection with blocking reads and
 * writes on a virtual thread, so it runs on whatever {@link SelectorProvider} the JVM was given
 * ({@code -Djava.nio.channels.spi.SelectorProvider=...}). It answers like the examples'
 * {@code HttpHandler}: {@code GET /} gets {@code Hello, World!} in plain text, {@code GET /big} its
 * 64 KiB body ({@link HttpHandler#bigBody()}), other paths 404,
 * other methods 405; Helidon picks its own other headers and their order (the harness compares
 * status codes, Content-Type, Content-Length and bodies of this row). Given {@code --pg-port N},
 * {@code GET /db} answers a random row of a PostgreSQL table ({@link WorldDb}).
 * <pre>
 * java -cp benchmarks.jar:helidon/* io.loomring.bench.servers.HelidonServer http --port N [--host H] [--pg-port N]
 * </pre>
 * prints {@code http listening on 127.0.0.1:PORT (helidon on PROVIDER)} once it listens, and runs
 * until killed.
 */
public final class HelidonServer {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BIG = HttpHandler.bigBody();
    private static final Header TEXT_PLAIN = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "text/plain");
    private static final Header ALLOW = HeaderValues.createCached(HeaderNames.ALLOW, "GET, HEAD");

    private HelidonServer() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        ServerArgs a = ServerArgs.parse(args, "http", true);
        if (!a.name().equals("http")) {
            throw ServerArgs.usage("HelidonServer", "http", "unknown protocol '" + a.name() + "'");
        }
        WorldDb db = a.pgPort() == 0 ? null : WorldDb.open(a.pgPort());
        WebServer server = WebServer.builder()
                .host(a.host())
                .port(a.port())
                .backlog(4096)
                // TCP_NODELAY, as every other server of the harness: Helidon's default leaves
                // Nagle's algorithm on, and a response it writes in two parts (a /big head, then
                // its body) waits for the client's delayed ACK of the first, 40 ms.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> {
                    r.get("/", (req, res) -> {
                        res.header(TEXT_PLAIN);
                        res.send(HELLO);
                    });
                    r.get(HttpHandler.BIG_PATH, (req, res) -> {
                        res.header(TEXT_PLAIN);
                        res.send(BIG);
                    });
                    if (db != null) {
                        r.get("/db", (req, res) -> {
                            byte[] row = db.randomRow(); // blocks on the pool and the database
                            res.header(TEXT_PLAIN);
                            res.send(row);
                        });
                    }
                    r.any((req, res) -> { // registered last: Helidon tries the routes in order
                        res.header(TEXT_PLAIN);
                        Method m = req.prologue().method();
                        if (m != Method.GET && m != Method.HEAD) {
                            res.header(ALLOW);
                            res.status(Status.METHOD_NOT_ALLOWED_405).send();
                        } else {
                            res.status(Status.NOT_FOUND_404).send();
                        }
                    });
                })
                .build()
                .start();
        String engine = "helidon on " + SelectorProvider.provider().getClass().getName();
        System.out.println(a.readyLine(new InetSocketAddress(a.host(), server.port()), engine));
        System.out.flush();
    }
}
