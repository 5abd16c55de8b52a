package io.loomring.nio.frameworks;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.net.URI;

/**
 * Helidon 4 SE's web server (a virtual thread per connection and per request, blocking channels)
 * and the JDK's {@link java.net.http.HttpClient} (HTTP/1.1), in one JVM, on whatever
 * {@link java.nio.channels.spi.SelectorProvider} the command line names. Prints one
 * {@code PASS}/{@code FAIL} line (see {@link FrameworkRun}).
 */
public final class HelidonRun {
    private HelidonRun() {}

    public static void main(String[] args) {
        FrameworkRun.main("helidon", run -> {
            WebServer server = WebServer.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .routing(r -> {
                        r.get("/hello", (req, res) -> {
                            run.served(req.remotePeer().address());
                            res.header("Content-Type", "text/plain");
                            res.send(FrameworkRun.hello(req.query().get("n")));
                        });
                        r.post("/echo", (req, res) -> {
                            run.served(req.remotePeer().address());
                            res.send(req.content().as(byte[].class));
                        });
                        if (run.hasDb()) {
                            r.get("/db", (req, res) -> {
                                run.served(req.remotePeer().address());
                                FrameworkRun.Answer row = run.db(req.query().get("id")); // blocks on the pool and the database
                                res.status(Status.create(row.status()));
                                res.header("Content-Type", "text/plain");
                                res.send(row.body());
                            });
                        }
                        r.any((req, res) -> { // registered last: Helidon tries the routes in order
                            run.served(req.remotePeer().address());
                            res.status(Status.NOT_FOUND_404).send();
                        });
                    })
                    .build()
                    .start();
            try {
                run.load(JdkHttpServerRun.client(URI.create("http://127.0.0.1:" + server.port())));
            } finally {
                server.stop();
            }
        });
    }
}
