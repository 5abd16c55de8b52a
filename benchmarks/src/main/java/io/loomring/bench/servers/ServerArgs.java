package io.loomring.bench.servers;

import java.net.InetSocketAddress;

/**
 * The command line the benchmark servers share with the examples jar:
 * {@code NAME --port N [--host H] [--threads N] [--transport T]}, and the ready line they print.
 * The framework servers also take {@code --pg-port N} (see {@link #parse(String[], String, boolean)});
 * to every other server it is an unknown option, as any other.
 *
 * @param name      the protocol or example name (first argument)
 * @param host      the address to bind, 127.0.0.1 by default
 * @param port      the port, 0 for a free one
 * @param threads   event-loop threads (Netty only), the CPU count by default
 * @param transport the Netty transport, {@code io_uring} or {@code epoll} (Netty only)
 * @param pgPort    a PostgreSQL server's port on 127.0.0.1 for the {@code GET /db} route (framework
 *                  servers only), 0 for none: no such route
 */
public record ServerArgs(String name, String host, int port, int threads, String transport, int pgPort) {
    /**
     * Parses the arguments of a server without a database route.
     *
     * @throws IllegalArgumentException on a missing name or port, or an unknown option
     */
    public static ServerArgs parse(String[] args, String names) {
        return parse(args, names, false);
    }

    /**
     * Parses the arguments; {@code --pg-port N} is one of them only where {@code database} is true.
     *
     * @throws IllegalArgumentException on a missing name or port, or an unknown option
     */
    public static ServerArgs parse(String[] args, String names, boolean database) {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("usage: " + names + " --port N [--host H] [--threads N] [--transport T]"
                    + (database ? " [--pg-port N]" : ""));
        }
        String host = "127.0.0.1";
        Integer port = null;
        int threads = Runtime.getRuntime().availableProcessors();
        String transport = "io_uring";
        int pgPort = 0;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--transport" -> transport = v;
                case "--pg-port" -> {
                    if (!database) {
                        throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                    }
                    pgPort = Integer.parseInt(v);
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (pgPort < 0 || pgPort > 65535) {
            throw new IllegalArgumentException("--pg-port must be a port number");
        }
        return new ServerArgs(args[0], host, port, threads, transport, pgPort);
    }

    /** An {@link IllegalArgumentException} carrying the usage of program {@code program}. */
    public static IllegalArgumentException usage(String program, String names, String why) {
        return new IllegalArgumentException(why + "; usage: " + program + " " + names + " --port N [--host H]");
    }

    /** For example {@code http listening on 127.0.0.1:8080 (jdk)}, as the examples jar prints it. */
    public String readyLine(InetSocketAddress bound, String engine) {
        return name + " listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort() + " (" + engine + ")";
    }
}
