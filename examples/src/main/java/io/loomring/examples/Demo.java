package io.loomring.examples;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.Stats;
import io.loomring.examples.echo.EchoHandler;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A self-contained tour: starts the echo server on a free loopback port, then a thousand clients,
 * each on its own virtual thread, each doing a hundred blocking write/read round trips through
 * Loomring sockets, checks every echo, prints what happened and exits.
 * <pre>
 * java -jar loomring-examples.jar demo [--backend io_uring|epoll|auto] [--mode carriers|shared] [--carriers N]
 * </pre>
 */
public final class Demo {
    private static final int CLIENTS = 1000;
    private static final int ROUND_TRIPS = 100;

    private Demo() {}

    /**
     * Runs the demo.
     *
     * @return 0 when every echo came back intact, 1 otherwise
     */
    static int run(ServerConfig config) throws IOException, InterruptedException {
        IoScheduler.Builder clientScheduler = IoScheduler.builder().backend(config.backend());
        if (config.carriers() > 0) {
            clientScheduler.carriers(config.carriers());
        }
        try (LoomringServer server = LoomringServer.start("echo", config, new EchoHandler());
             IoScheduler clients = clientScheduler.build();
             ExecutorService threads = Executors.newThreadPerTaskExecutor(config.carried()
                     ? clients.threadFactory() : Thread.ofVirtual().factory())) {
            System.out.println(Main.readyLine("echo", server));
            long start = System.nanoTime();
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                results.add(threads.submit(() -> echoRoundTrips(server.localAddress(), clients, client)));
            }
            int echoes = 0;
            int failures = 0;
            for (Future<Integer> r : results) {
                try {
                    echoes += r.get();
                } catch (ExecutionException e) {
                    failures++;
                    System.err.println("client failed: " + e.getCause());
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            Stats stats = clients.stats();
            System.out.printf("%d clients on %s virtual threads, %d echoes checked, %d failed clients, %d ms%n",
                    CLIENTS, config.carried() ? "carried" : "ordinary", echoes, failures, millis);
            System.out.printf("client scheduler (%s, %s): %d kernel requests submitted in %d kernel calls, "
                            + "%d wakeup signals, %d stale completions dropped%n",
                    clients.backend(), clients.backendReason(), stats.submitted(), stats.enters(),
                    stats.wakeupSignals(), stats.staleCompletions());
            return failures == 0 && echoes == CLIENTS * ROUND_TRIPS ? 0 : 1;
        }
    }

    /** One client: connects, then writes a line and reads the same line back, again and again. */
    private static int echoRoundTrips(InetSocketAddress server, IoScheduler scheduler, int client)
            throws IOException {
        try (TcpSocket socket = TcpSocket.connect(server, Duration.ofSeconds(30), scheduler)) {
            socket.setReadTimeout(Duration.ofSeconds(30));
            ByteBuffer reply = ByteBuffer.allocate(64);
            for (int i = 0; i < ROUND_TRIPS; i++) {
                byte[] line = ("client " + client + " message " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                socket.write(ByteBuffer.wrap(line));
                reply.clear().limit(line.length);
                while (reply.hasRemaining()) {
                    if (socket.read(reply) == -1) {
                        throw new IOException("server closed the connection");
                    }
                }
                if (!ByteBuffer.wrap(line).equals(reply.flip())) {
                    throw new IOException("echo mismatch for client " + client + " message " + i);
                }
            }
            return ROUND_TRIPS;
        }
    }
}
