package io.loomring.examples;

import io.loomring.Backend;
import io.loomring.examples.echo.EchoHandler;
import io.loomring.examples.http.HttpHandler;
import io.loomring.examples.lines.SelectorLineServer;
import io.loomring.examples.lines.ThreadsLineHandler;
import io.loomring.examples.resp.RespHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Runs one example server from the command line:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar loomring-examples.jar http --port 8080
 * </pre>
 * prints one line once it listens, and stops on SIGINT or SIGTERM with exit code 0. A bad command
 * line prints the usage and exits with 2; a server that cannot start exits with 1.
 */
public final class Main {
    static final String USAGE = """
            usage: java --enable-native-access=ALL-UNNAMED -jar loomring-examples.jar NAME --port N [options]
              NAME           echo | http | resp | selector-vs-threads
                             demo [--backend B] [--mode M]: an echo server and 1000 clients, then exit
              --port N       TCP port to listen on (0 picks a free one)
              --host H       address to bind (default 127.0.0.1)
              --backend B    io_uring | epoll | auto (default auto)
              --mode M       echo, http, resp, demo: carriers (default: threads carried by the
                             scheduler's carriers) | shared (ordinary virtual threads)
                             selector-vs-threads: threads (default, Loomring) | selector (NIO)
              --carriers N   carrier threads of the scheduler (default: available processors)
              --io I         completion (default: carried threads, and ordinary ones served by
                             sub-pollers, read and write through the ring on io_uring)
                             | readiness (a non-blocking syscall, and a poll on EAGAIN)
              --sub-pollers N  sub-pollers serving ordinary virtual threads (--mode shared);
                             0 hands their awaits to the carriers (default: one per processor)
              --request-timeout S  http, resp: seconds a request may take to arrive from its
                             first byte (http: the first one from the connect); then a partial
                             HTTP head gets 408 and the connection closes (default 10; 0: no limit)
              --idle-timeout S  http, resp: seconds a connection may wait for its next request
                             before it is closed (default: http 60, resp 300; 0: no limit)
            """;

    private Main() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(USAGE);
            return;
        }
        if (args.length > 0 && args[0].equals("demo")) {
            System.exit(demo(args));
            return;
        }
        ExampleServer server;
        try {
            server = start(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        } catch (IOException | UncheckedIOException e) {
            System.err.println(args[0] + ": cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        // A signal makes the JVM exit with 128 + its number once the hooks have run. Stopping when
        // asked to is this program's normal end, so close the server and report success.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            Runtime.getRuntime().halt(0);
        }, "shutdown"));
        System.out.println(readyLine(args[0], server));
        System.out.flush();
        try {
            server.awaitTermination();
        } catch (IOException e) { // the accept loop gave up on its own
            System.err.println(args[0] + ": stopped: " + e.getMessage());
            server.close();
            Runtime.getRuntime().halt(1); // not exit(): the shutdown hook would report success
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Otherwise the shutdown hook closed the server and ends the process.
    }

    private static int demo(String[] args) {
        try {
            ServerConfig config = ServerConfig.parse(withPort(Arrays.copyOfRange(args, 1, args.length)));
            if (config.port() != 0 || !config.host().equals(ServerConfig.DEFAULT_HOST)) {
                throw new IllegalArgumentException("demo takes only --backend, --mode and --carriers");
            }
            checkMode(config, "carriers", "shared");
            checkNoTimeouts("demo", config);
            return Demo.run(config);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (IOException | UncheckedIOException | InterruptedException e) {
            System.err.println("demo: " + e);
            return 1;
        }
    }

    /**
     * Starts the example named by {@code args[0]}, configured by the options after it. The caller
     * closes the returned server.
     *
     * @throws IllegalArgumentException on an unknown example or bad options
     * @throws IOException if the address cannot be bound
     */
    public static ExampleServer start(String... args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("no example named");
        }
        String name = args[0];
        ServerConfig config = ServerConfig.parse(Arrays.copyOfRange(args, 1, args.length));
        if (!name.equals("selector-vs-threads")) {
            checkMode(config, "carriers", "shared");
        }
        if (!name.equals("http") && !name.equals("resp")) {
            checkNoTimeouts(name, config);
        }
        return switch (name) {
            case "echo" -> LoomringServer.start(name, config, new EchoHandler());
            case "http" -> LoomringServer.start(name, config,
                    new HttpHandler(config.timeouts(HttpHandler.DEFAULT_TIMEOUTS)));
            case "resp" -> LoomringServer.start(name, config,
                    new RespHandler(config.timeouts(RespHandler.DEFAULT_TIMEOUTS)));
            case "selector-vs-threads" -> switch (config.mode() == null ? "threads" : config.mode()) {
                case "threads" -> LoomringServer.start(name, config, new ThreadsLineHandler());
                case "selector" -> SelectorLineServer.start(config);
                default -> throw new IllegalArgumentException(
                        "--mode must be threads or selector: '" + config.mode() + "'");
            };
            default -> throw new IllegalArgumentException("unknown example '" + name + "'");
        };
    }

    private static void checkMode(ServerConfig config, String... modes) {
        if (config.mode() != null && !Arrays.asList(modes).contains(config.mode())) {
            throw new IllegalArgumentException("--mode must be " + String.join(" or ", modes) + ": '"
                    + config.mode() + "'");
        }
    }

    /** Only the request/response servers have timeouts; elsewhere the flags would silently do nothing. */
    private static void checkNoTimeouts(String name, ServerConfig config) {
        if (config.timeoutsGiven()) {
            throw new IllegalArgumentException("--request-timeout and --idle-timeout apply to http and resp, not "
                    + name);
        }
    }

    /** The demo picks its own port: parse its options with port 0. */
    private static String[] withPort(String[] options) {
        String[] all = Arrays.copyOf(options, options.length + 2);
        all[options.length] = "--port";
        all[options.length + 1] = "0";
        return all;
    }

    /** For example {@code http listening on 127.0.0.1:8080 (io_uring)}. */
    static String readyLine(String name, ExampleServer server) {
        InetSocketAddress address = server.localAddress();
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return name + " listening on " + host + ":" + address.getPort() + " (" + server.engine() + ")";
    }
}
