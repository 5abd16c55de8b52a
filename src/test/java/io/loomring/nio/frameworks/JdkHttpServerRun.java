package io.loomring.nio.frameworks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's own HTTP server ({@code com.sun.net.httpserver}, handlers on a virtual thread per
 * exchange) and the JDK's {@link HttpClient} (HTTP/1.1), in one JVM, on whatever
 * {@link java.nio.channels.spi.SelectorProvider} the command line names. Prints one
 * {@code PASS}/{@code FAIL} line (see {@link FrameworkRun}).
 */
public final class JdkHttpServerRun {
    private JdkHttpServerRun() {}

    public static void main(String[] args) {
        FrameworkRun.main("jdk-httpserver", run -> {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(handlers);
            server.createContext("/", exchange -> handle(run, exchange));
            server.start();
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            try {
                run.load(JdkHttpServerRun.client(base));
            } finally {
                server.stop(0);
                handlers.shutdownNow();
            }
        });
    }

    private static void handle(FrameworkRun run, HttpExchange exchange) throws IOException {
        try (exchange) {
            run.served(exchange.getRemoteAddress());
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] request = in.readAllBytes();
                if (path.equals("/hello") && exchange.getRequestMethod().equals("GET")) {
                    String query = exchange.getRequestURI().getQuery();
                    body = FrameworkRun.hello(query.substring("n=".length()));
                } else if (path.equals("/echo") && exchange.getRequestMethod().equals("POST")) {
                    body = request;
                } else if (path.equals("/db") && run.hasDb() && exchange.getRequestMethod().equals("GET")) {
                    FrameworkRun.Answer row = run.db(exchange.getRequestURI().getQuery().substring("id=".length()));
                    status = row.status();
                    body = row.body();
                } else {
                    status = 404;
                    body = new byte[0];
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /**
     * A {@link FrameworkRun.Client} over the JDK's HttpClient, HTTP/1.1: blocking sends from the
     * load's virtual threads; its pool opens a connection per request in flight.
     */
    static FrameworkRun.Client client(URI base) {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(FrameworkRun.REQUEST_TIMEOUT)
                .build();
        return new FrameworkRun.Client() {
            @Override
            public FrameworkRun.Answer call(String method, String path, byte[] body) throws Exception {
                HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(FrameworkRun.REQUEST_TIMEOUT);
                request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new FrameworkRun.Answer(response.statusCode(), response.body());
            }

            @Override
            public void close() {
                client.close(); // its pooled connections too
            }
        };
    }
}
