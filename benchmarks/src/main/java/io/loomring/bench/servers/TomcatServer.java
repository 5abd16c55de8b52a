package io.loomring.bench.servers;

import io.loomring.examples.http.HttpHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.Http11NioProtocol;

/**
 * A real framework in the HTTP rows: Tomcat 11 embedded, whose NIO connector accepts on a blocking
 * {@link java.nio.channels.ServerSocketChannel} (the Acceptor, a platform thread) and waits for its
 * connections in a NIO {@link java.nio.channels.Selector} (the Poller, a platform thread), and
 * whose servlet, blocking, runs on a virtual thread per request ({@code useVirtualThreads}). So it
 * runs on whatever {@link SelectorProvider} the JVM was given
 * ({@code -Djava.nio.channels.spi.SelectorProvider=...}). It answers what {@link JettyServer}
 * answers: {@code GET /} gets {@code Hello, World!} in plain text, {@code GET /big} the examples'
 * 64 KiB body ({@link HttpHandler#bigBody()}), other paths (and {@code HEAD}) 404, other methods
 * 405 with {@code Allow: GET, HEAD}, all with {@code Content-Type: text/plain};
 * Tomcat picks its own other headers and their order, and sends no reason phrase (the harness
 * compares status codes, Content-Type, Content-Length and bodies of this row). Given
 * {@code --pg-port N}, {@code GET /db} answers a random row of a PostgreSQL table ({@link WorldDb}).
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.servers.TomcatServer http --port N [--host H] [--pg-port N]
 * </pre>
 * prints {@code http listening on 127.0.0.1:PORT (tomcat on PROVIDER)} once it listens, and runs
 * until killed. Its base directory is a temporary one, deleted when the JVM exits normally (on
 * SIGTERM too).
 */
public final class TomcatServer {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BIG = HttpHandler.bigBody();
    /**
     * Held so the level stays: the log manager keeps loggers weakly, and a collected one would come
     * back at INFO, which has Tomcat print a dozen lines at start.
     */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private TomcatServer() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        ServerArgs a = ServerArgs.parse(args, "http", true);
        if (!a.name().equals("http")) {
            throw ServerArgs.usage("TomcatServer", "http", "unknown protocol '" + a.name() + "'");
        }
        TOMCAT_LOG.setLevel(Level.WARNING);
        WorldDb db = a.pgPort() == 0 ? null : WorldDb.open(a.pgPort());
        Http11NioProtocol protocol = new Http11NioProtocol();
        protocol.setAddress(InetAddress.getByName(a.host()));
        protocol.setPort(a.port());
        protocol.setAcceptCount(4096); // Helidon's backlog
        protocol.setMaxConnections(10_000); // far above the harness's 1000 connections
        // Tomcat closes a connection after 100 requests by default; Helidon and Jetty keep theirs,
        // and so does the load generator, which would otherwise measure reconnects here only.
        protocol.setMaxKeepAliveRequests(-1);
        // No typed setter on the protocol in 11.0: the endpoint has it, reached by name.
        if (!protocol.setProperty("useVirtualThreads", "true")) {
            throw new IllegalStateException("this Tomcat's connector has no useVirtualThreads");
        }
        Path base = Files.createTempDirectory("tomcat-server");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(base), "tomcat-base-cleanup"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector(protocol);
        tomcat.setConnector(connector); // else getConnector() would make one on 8080
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "hello", new Hello(db));
        context.addServletMappingDecoded("/*", "hello");
        tomcat.start();
        String engine = "tomcat on " + SelectorProvider.provider().getClass().getName();
        System.out.println(a.readyLine(new InetSocketAddress(a.host(), connector.getLocalPort()), engine));
        System.out.flush();
        // The Acceptor and the Poller are daemon threads; only the utility pool's would keep the
        // JVM up. main waits, as Tomcat's own launcher does, rather than count on that pool.
        tomcat.getServer().await();
    }

    /** The one servlet: every method, HEAD too, comes to {@link #service}, not to HttpServlet's own. */
    private static final class Hello extends HttpServlet {
        /** The {@code /db} route's pool, or null: no such route. */
        private final transient WorldDb db;

        Hello(WorldDb db) {
            this.db = db;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String method = request.getMethod();
            response.setContentType("text/plain");
            if (method.equals("GET") && request.getRequestURI().equals("/")) {
                response.setContentLength(HELLO.length);
                response.getOutputStream().write(HELLO);
                return;
            }
            if (method.equals("GET") && request.getRequestURI().equals(HttpHandler.BIG_PATH)) {
                response.setContentLength(BIG.length);
                response.getOutputStream().write(BIG);
                return;
            }
            if (db != null && method.equals("GET") && request.getRequestURI().equals("/db")) {
                byte[] row = db.randomRow(); // blocks on the pool and the database
                response.setContentLength(row.length);
                response.getOutputStream().write(row);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                response.setHeader("Allow", "GET, HEAD");
                response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            } else {
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            }
            response.setContentLength(0);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete Tomcat's base directory " + dir + ": " + e);
        }
    }
}
