package io.loomring.bench.servers;

import io.loomring.examples.http.HttpHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * A real framework in the HTTP rows: Jetty 12.1's server with its {@link VirtualThreadPool} as the
 * whole server's pool, so every thread of it is virtual: the {@link ServerConnector}'s acceptor,
 * which accepts on a blocking {@link java.nio.channels.ServerSocketChannel}, its NIO
 * {@link java.nio.channels.Selector}s (the default count), whose {@code select} runs on a virtual
 * thread too (the selecting passes from one to another: a selecting thread that runs the handler
 * itself hands the selecting to a new one), and the blocking handler, a virtual thread per request.
 * So it runs on whatever {@link SelectorProvider} the JVM was given
 * ({@code -Djava.nio.channels.spi.SelectorProvider=...}), and under Loomring's launcher
 * ({@code io.loomring.launch.Launch}) all of those threads descend from the carried {@code main}
 * and are carried too. It answers what {@link HelidonServer} answers: {@code GET /} gets
 * {@code Hello, World!} in plain text, {@code GET /big} the examples' 64 KiB body
 * ({@link HttpHandler#bigBody()}), other paths (and {@code HEAD}) 404, other methods 405 with
 * {@code Allow: GET, HEAD}, all with {@code Content-Type: text/plain}; Jetty picks its own other
 * headers and their order (the harness compares status codes, Content-Type, Content-Length and
 * bodies of this row). Given {@code --pg-port N}, {@code GET /db} answers a random row of a
 * PostgreSQL table ({@link WorldDb}).
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.servers.JettyServer http --port N [--host H] [--pg-port N]
 * </pre>
 * prints {@code http listening on 127.0.0.1:PORT (jetty on PROVIDER)} once it listens, and runs
 * until killed.
 */
public final class JettyServer {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final HttpField TEXT_PLAIN = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain");
    private static final HttpField HELLO_LENGTH = new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, String.valueOf(HELLO.length));
    private static final byte[] BIG = HttpHandler.bigBody();
    private static final HttpField BIG_LENGTH = new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, String.valueOf(BIG.length));
    private static final HttpField NO_LENGTH = new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, "0");
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");

    private JettyServer() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        ServerArgs a = ServerArgs.parse(args, "http", true);
        if (!a.name().equals("http")) {
            throw ServerArgs.usage("JettyServer", "http", "unknown protocol '" + a.name() + "'");
        }
        WorldDb db = a.pgPort() == 0 ? null : WorldDb.open(a.pgPort());
        VirtualThreadPool pool = new VirtualThreadPool();
        pool.setName("jetty"); // its virtual threads are named jettyN in thread dumps
        // The pool runs at most this many tasks at once (a semaphore; the rest wait for a permit).
        // Its default, 200, is below the harness's 256 and 1000 connections, and the acceptor and
        // the selectors hold their permits for good: set far above, as Tomcat's maxConnections.
        pool.setMaxThreads(10_000);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server); // default acceptor and selector counts
        connector.setHost(a.host());
        connector.setPort(a.port());
        connector.setAcceptQueueSize(4096); // Helidon's backlog
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() { // blocking invocation type: runs on a virtual thread
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String method = request.getMethod();
                response.getHeaders().put(TEXT_PLAIN);
                String path = Request.getPathInContext(request);
                if (method.equals("GET") && path.equals("/")) {
                    response.getHeaders().put(HELLO_LENGTH);
                    response.write(true, ByteBuffer.wrap(HELLO), callback);
                    return true;
                }
                if (method.equals("GET") && path.equals(HttpHandler.BIG_PATH)) {
                    response.getHeaders().put(BIG_LENGTH);
                    response.write(true, ByteBuffer.wrap(BIG), callback);
                    return true;
                }
                if (db != null && method.equals("GET") && path.equals("/db")) {
                    byte[] row = db.randomRow(); // blocks on the pool and the database
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, row.length);
                    response.write(true, ByteBuffer.wrap(row), callback);
                    return true;
                }
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    response.getHeaders().put(ALLOW);
                    response.setStatus(405);
                } else {
                    response.setStatus(404);
                }
                response.getHeaders().put(NO_LENGTH);
                response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                return true;
            }
        });
        server.start();
        String engine = "jetty on " + SelectorProvider.provider().getClass().getName();
        System.out.println(a.readyLine(new InetSocketAddress(a.host(), connector.getLocalPort()), engine));
        System.out.flush();
        // No thread of the server keeps the JVM up: its threads are virtual, and the pool's one
        // platform thread, which is there to keep it up, takes its daemon status from the thread
        // that starts the pool, a daemon under the launcher (where main is a virtual thread).
        server.join();
    }
}
