package io.loomring.nio.frameworks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Jetty 12.1's server with its virtual-thread pool ({@link VirtualThreadPool} as the server's
 * pool: acceptor, selectors and blocking handlers all on virtual threads, so under Loomring's
 * launcher all of them are carried) and Jetty's {@link HttpClient}, in one JVM, on whatever
 * {@link java.nio.channels.spi.SelectorProvider} the command line names. Prints one
 * {@code PASS}/{@code FAIL} line (see {@link FrameworkRun}).
 */
public final class JettyRun {
    private JettyRun() {}

    public static void main(String[] args) {
        FrameworkRun.main("jetty", run -> {
            VirtualThreadPool pool = new VirtualThreadPool(); // every thread of the server virtual
            pool.setName("jetty-server");
            Server server = new Server(pool);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract() { // blocking invocation type: runs on a virtual thread
                @Override
                public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback)
                        throws Exception {
                    run.served(request.getConnectionMetaData().getRemoteSocketAddress());
                    String path = org.eclipse.jetty.server.Request.getPathInContext(request);
                    byte[] body;
                    int status = 200;
                    if (path.equals("/hello") && request.getMethod().equals("GET")) {
                        Fields query = org.eclipse.jetty.server.Request.extractQueryParameters(request);
                        body = FrameworkRun.hello(query.getValue("n"));
                    } else if (path.equals("/echo") && request.getMethod().equals("POST")) {
                        ByteBuffer in = Content.Source.asByteBuffer(request); // blocks: fine on a virtual thread
                        body = new byte[in.remaining()];
                        in.get(body);
                    } else if (path.equals("/db") && run.hasDb() && request.getMethod().equals("GET")) {
                        Fields query = org.eclipse.jetty.server.Request.extractQueryParameters(request);
                        FrameworkRun.Answer row = run.db(query.getValue("id")); // blocks on the pool and the database
                        body = row.body();
                        status = row.status();
                    } else {
                        Response.writeError(request, response, callback, 404);
                        return true;
                    }
                    response.setStatus(status);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                    response.write(true, ByteBuffer.wrap(body), callback);
                    return true;
                }
            });
            server.start();
            HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(FrameworkRun.CONCURRENCY);
            client.setConnectTimeout(FrameworkRun.REQUEST_TIMEOUT.toMillis());
            client.start();
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            try {
                run.load((method, path, body) -> {
                    Request request = client.newRequest(base + path).method(method)
                            .timeout(FrameworkRun.REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (body != null) {
                        request.body(new BytesRequestContent("application/octet-stream", body));
                    }
                    ContentResponse response = request.send();
                    return new FrameworkRun.Answer(response.getStatus(), response.getContent());
                });
            } finally {
                client.stop();
                server.stop();
            }
        });
    }
}
