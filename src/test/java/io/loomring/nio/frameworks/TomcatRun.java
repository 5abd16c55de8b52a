package io.loomring.nio.frameworks;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat 11's embedded server (its NIO connector: an acceptor accepting on a blocking
 * {@link java.nio.channels.ServerSocketChannel} and a poller waiting in a
 * {@link java.nio.channels.Selector}, both on platform threads; the servlet, blocking, on a virtual
 * thread per request: {@code useVirtualThreads}) and the JDK's {@link java.net.http.HttpClient}
 * (HTTP/1.1), in one JVM, on whatever {@link java.nio.channels.spi.SelectorProvider} the command
 * line names. Prints one {@code PASS}/{@code FAIL} line (see {@link FrameworkRun}).
 */
public final class TomcatRun {
    /**
     * Held so the level stays: the log manager keeps loggers weakly, and a collected one would come
     * back at INFO, which has Tomcat print a dozen lines for every start and stop.
     */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private TomcatRun() {}

    public static void main(String[] args) {
        FrameworkRun.main("tomcat", run -> {
            TOMCAT_LOG.setLevel(Level.WARNING);
            Path base = Files.createTempDirectory("tomcat-run");
            try {
                serve(run, base);
            } finally {
                delete(base);
            }
        });
    }

    private static void serve(FrameworkRun run, Path base) throws Exception {
        Http11NioProtocol protocol = new Http11NioProtocol();
        protocol.setAddress(InetAddress.getByName("127.0.0.1"));
        protocol.setPort(0);
        // No typed setter on the protocol in 11.0: the endpoint has it, reached by name.
        if (!protocol.setProperty("useVirtualThreads", "true")) {
            throw new IllegalStateException("this Tomcat's connector has no useVirtualThreads");
        }
        Connector connector = new Connector(protocol);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setConnector(connector); // else getConnector() would make one on 8080
        StandardContext context = (StandardContext) tomcat.addContext("", base.toString());
        // The servlet comes from the application's class loader, so the context's leak checks at
        // stop find nothing of its own; the RMI one would only warn that it cannot look.
        context.setClearReferencesRmiTargets(false);
        Tomcat.addServlet(context, "frameworks", new Routes(run));
        context.addServletMappingDecoded("/*", "frameworks");
        tomcat.start();
        try {
            run.load(JdkHttpServerRun.client(URI.create("http://127.0.0.1:" + connector.getLocalPort())));
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /** FrameworkRun's routes, in one servlet so every request, a 404 too, is counted. */
    private static final class Routes extends HttpServlet {
        private final transient FrameworkRun run;

        Routes(FrameworkRun run) {
            this.run = run;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            run.served(new InetSocketAddress(request.getRemoteAddr(), request.getRemotePort()));
            String path = request.getRequestURI();
            String method = request.getMethod();
            byte[] body;
            if (path.equals("/hello") && method.equals("GET")) {
                body = FrameworkRun.hello(request.getParameter("n"));
            } else if (path.equals("/echo") && method.equals("POST")) {
                body = request.getInputStream().readAllBytes(); // blocks: fine on a virtual thread
            } else if (path.equals("/db") && run.hasDb() && method.equals("GET")) {
                FrameworkRun.Answer row = run.db(request.getParameter("id")); // blocks on the pool and the database
                response.setStatus(row.status());
                body = row.body();
            } else {
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                body = new byte[0];
            }
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
