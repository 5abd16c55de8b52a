package io.loomring.net;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Throwaway PostgreSQL and redis-server processes for the java.net drop-in tests, started and
 * stopped by {@code src/test/scripts/test-servers.sh} under {@code target/test-servers}, each on a
 * free port. A server whose binaries are absent and cannot be installed skips the test (JUnit
 * assumption) with the script's reason; any other failure fails it. Each server is stopped by
 * {@link Server#close()} and, should the JVM end first, by a shutdown hook. Public for the
 * framework tests ({@code io.loomring.nio.frameworks}), whose servers read from PostgreSQL too.
 */
public final class TestServers {
    private TestServers() {}

    private static final Path SCRIPT = Path.of("src/test/scripts/test-servers.sh").toAbsolutePath();
    private static final int UNAVAILABLE = 77;

    /** A running server: its kind ({@code postgres} or {@code redis}), directory and port. */
    public static final class Server implements AutoCloseable {
        final String kind;
        final Path dir;
        public final int port;
        private final Thread hook;
        private boolean stopped;

        private Server(String kind, Path dir, int port) {
            this.kind = kind;
            this.dir = dir;
            this.port = port;
            this.hook = new Thread(this::stopQuietly, "stop " + kind);
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public synchronized void close() {
            if (stopped) {
                return;
            }
            stopped = true;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run: it stops the server
            }
            stopQuietly();
        }

        private void stopQuietly() {
            try {
                run(List.of(kind, "stop", dir.toString()));
            } catch (IOException | InterruptedException e) {
                System.err.println("could not stop " + kind + " in " + dir + ": " + e);
            }
        }
    }

    /** A new PostgreSQL cluster (user {@code postgres}, trust authentication) on 127.0.0.1. */
    public static Server postgres() throws IOException, InterruptedException {
        return start("postgres");
    }

    /** A redis-server on 127.0.0.1 with no persistence. */
    static Server redis() throws IOException, InterruptedException {
        return start("redis");
    }

    private static Server start(String kind) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path dir = Path.of("target", "test-servers", kind + "-" + port).toAbsolutePath();
            Files.createDirectories(dir);
            Result r = run(List.of(kind, "start", dir.toString(), Integer.toString(port)));
            if (r.exit == 0) {
                return new Server(kind, dir, port);
            }
            Assumptions.assumeTrue(r.exit != UNAVAILABLE, () -> kind + " unavailable: " + r.output.strip());
            run(List.of(kind, "stop", dir.toString()));
            last = new IOException(kind + " did not start on port " + port + " (exit " + r.exit + "):\n" + r.output);
        }
        throw last; // three free ports taken between the probe and the start: not likely, but say so
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(SCRIPT.toString());
        command.addAll(args);
        // Output to a file, not a pipe: a daemon the script starts must not hold our read open.
        Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "test-servers", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) { // an apt-get install may take a while
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
