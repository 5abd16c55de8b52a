package io.loomring.bench.load;

import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 load generator for machines without {@code wrk}: N keep-alive connections, each
 * a virtual thread on Loomring's own client sockets sending {@code GET} for the URL's path
 * ({@code /} when it has none) and reading the whole response (its head, then as many bytes as its
 * {@code Content-Length} says, of any size) before the next, for a warm-up and then a measured
 * interval. It prints its result in {@code wrk --latency}'s format (the lines the harness reads).
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.load.LoadGenerator -c 256 -d 10 -w 3 -g 10 http://127.0.0.1:PORT/[PATH]
 * </pre>
 * Counts connection errors and non-2xx responses; any error makes it exit 1.
 * <p>
 * It never waits longer than its warm-up, its duration and a grace period ({@code -g}, default 10
 * seconds: more than the 5-second connect and read timeouts of a connection) together. Connections
 * still running then (never connected, or stuck in a request) are listed with the stacks of
 * their threads on standard error, and it exits 3 at once, without the figures: a connection that
 * hangs makes them meaningless, and the reader wants to know where it hangs.
 */
public final class LoadGenerator {
    /** A connection's read buffer: a 64 KiB body in a few reads. */
    private static final int BUFFER = 64 * 1024;

    /** Exit status when connections did not finish by the deadline. */
    static final int HUNG = 3;

    /** Where a connection is, for the list of those that never finished. */
    private enum Phase {
        CONNECTING("still connecting"),
        SENDING("sending a request"),
        READING("waiting for a response"),
        CLOSING("closing"),
        ENDED("ended");

        final String description;

        Phase(String description) {
            this.description = description;
        }
    }

    /** One connection: its number, its thread, where it is. */
    private static final class Connection {
        final int id;
        final LatencyHistogram histogram = new LatencyHistogram();
        volatile Phase phase = Phase.CONNECTING;
        Thread thread;

        Connection(int id) {
            this.id = id;
        }
    }

    private volatile boolean measuring;
    private volatile boolean stopping;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final String path;
    private final byte[] request;

    private LoadGenerator(String path) {
        this.path = path;
        request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        int connections = 256;
        int seconds = 10;
        int warmup = 0;
        int grace = 10;
        String url = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> connections = Integer.parseInt(args[++i]);
                case "-d" -> seconds = Integer.parseInt(args[++i].replace("s", ""));
                case "-w" -> warmup = Integer.parseInt(args[++i].replace("s", ""));
                case "-g" -> grace = Integer.parseInt(args[++i].replace("s", ""));
                default -> url = args[i];
            }
        }
        if (url == null || !url.startsWith("http://")) {
            System.err.println("usage: LoadGenerator [-c N] [-d SECONDS] [-w SECONDS] [-g SECONDS] http://HOST:PORT/[PATH]");
            System.exit(2);
        }
        int slash = url.indexOf('/', 7);
        String hostPort = url.substring(7, slash < 0 ? url.length() : slash);
        String path = slash < 0 ? "/" : url.substring(slash);
        int colon = hostPort.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        System.exit(new LoadGenerator(path).run(address, connections, warmup, seconds, grace));
    }

    private int run(InetSocketAddress address, int connections, int warmup, int seconds, int grace)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(warmup + seconds + grace).toNanos();
        List<Connection> all = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Connection c = new Connection(i);
            all.add(c);
            c.thread = Thread.ofVirtual().start(() -> client(address, c));
        }
        Thread.sleep(Duration.ofSeconds(warmup));
        measuring = true;
        long start = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(seconds));
        measuring = false;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stopping = true;
        List<Connection> unfinished = new ArrayList<>();
        for (Connection c : all) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                c.thread.join(Duration.ofNanos(left));
            }
            if (c.thread.isAlive()) {
                unfinished.add(c);
            }
        }
        if (!unfinished.isEmpty()) {
            reportUnfinished(address, connections, warmup + seconds, grace, unfinished);
            System.out.flush();
            System.err.flush();
            // halt, not exit: shutdown hooks could wait on whatever holds these threads.
            Runtime.getRuntime().halt(HUNG);
        }
        LatencyHistogram histogram = new LatencyHistogram();
        all.forEach(c -> histogram.add(c.histogram));
        System.out.printf(Locale.ROOT, "Running %ds test @ http://%s:%d%s (Loomring client sockets)%n",
                seconds, address.getHostString(), address.getPort(), path);
        System.out.printf(Locale.ROOT, "  %d connections%n", connections);
        System.out.printf(Locale.ROOT, "  Latency Distribution%n");
        System.out.printf(Locale.ROOT, "     50%%  %dus%n", histogram.quantile(0.50));
        System.out.printf(Locale.ROOT, "     99%%  %dus%n", histogram.quantile(0.99));
        System.out.printf(Locale.ROOT, "  %d requests in %.2fs%n", histogram.total(), elapsed);
        if (errors.get() > 0) {
            System.out.printf(Locale.ROOT, "  Socket errors: connect 0, read %d, write 0, timeout 0%n", errors.get());
        }
        if (non2xx.get() > 0) {
            System.out.printf(Locale.ROOT, "  Non-2xx or 3xx responses: %d%n", non2xx.get());
        }
        System.out.printf(Locale.ROOT, "Requests/sec: %.2f%n", histogram.total() / elapsed);
        return errors.get() + non2xx.get() > 0 ? 1 : 0;
    }

    /**
     * Lists the connections that did not finish: how many, which, where each one is, then each
     * distinct stack of their threads once, with the connections it holds. The first lines start
     * with "LoadGenerator:" (the harness shows them on the terminal); the stacks follow.
     */
    private static void reportUnfinished(InetSocketAddress address, int connections, int loadSeconds, int grace,
            List<Connection> unfinished) {
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "LoadGenerator: %d of %d connections to %s:%d did not finish within %d s after "
                + "the %d s load ended (each should end within its 5 s read timeout): %s%n", unfinished.size(),
                connections, address.getHostString(), address.getPort(), grace, loadSeconds, ids(unfinished));
        Map<Phase, List<Connection>> byPhase = new EnumMap<>(Phase.class);
        Map<List<StackTraceElement>, List<Connection>> byStack = new LinkedHashMap<>();
        for (Connection c : unfinished) {
            byPhase.computeIfAbsent(c.phase, p -> new ArrayList<>()).add(c);
            byStack.computeIfAbsent(List.of(c.thread.getStackTrace()), k -> new ArrayList<>()).add(c);
        }
        byPhase.forEach((phase, list) -> err.printf(Locale.ROOT, "LoadGenerator:   %d %s: %s%n", list.size(),
                phase.description, ids(list)));
        err.printf(Locale.ROOT, "The stacks of their threads (%d distinct):%n", byStack.size());
        byStack.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()))
                .forEach(e -> {
                    err.printf(Locale.ROOT, "%n  %d connection(s): %s%n", e.getValue().size(), ids(e.getValue()));
                    List<StackTraceElement> stack = e.getKey();
                    if (stack.isEmpty()) {
                        err.println("    (no frames: the virtual thread has not run yet, no carrier took it)");
                    }
                    stack.stream().limit(60).forEach(frame -> err.println("    at " + frame));
                    if (stack.size() > 60) {
                        err.printf(Locale.ROOT, "    ... %d more%n", stack.size() - 60);
                    }
                });
    }

    /** "#0-#63 #70 #72-#80": the connections' numbers, runs collapsed. */
    private static String ids(List<Connection> connections) {
        int[] sorted = connections.stream().mapToInt(c -> c.id).sorted().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sorted.length; i++) {
            int first = sorted[i];
            while (i + 1 < sorted.length && sorted[i + 1] == sorted[i] + 1) {
                i++;
            }
            b.append(b.isEmpty() ? "" : " ").append('#').append(first);
            if (sorted[i] != first) {
                b.append("-#").append(sorted[i]);
            }
        }
        return b.toString();
    }

    private void client(InetSocketAddress address, Connection connection) {
        LatencyHistogram histogram = connection.histogram;
        byte[] buf = new byte[BUFFER];
        try (TcpSocket s = TcpSocket.connect(address, Duration.ofSeconds(5))) {
            s.setTcpNoDelay(true);
            s.setReadTimeout(Duration.ofSeconds(5));
            int start = 0;
            int end = 0;
            while (!stopping) {
                long t0 = System.nanoTime();
                connection.phase = Phase.SENDING;
                s.write(request, 0, request.length);
                connection.phase = Phase.READING;
                // Read one response: the head up to CRLFCRLF, then Content-Length bytes.
                int headEnd;
                while ((headEnd = indexOfHeadEnd(buf, start, end)) < 0) {
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    int n = s.read(buf, end, buf.length - end);
                    if (n < 0) {
                        throw new IOException("server closed the connection");
                    }
                    end += n;
                }
                int length = contentLength(buf, start, headEnd);
                if (buf[start + 9] != '2') {
                    non2xx.incrementAndGet();
                }
                // The body: what is in the buffer already, then reads into the whole buffer (the
                // body is dropped) until it is all in; bytes past it stay for the next response.
                long missing = length - (long) (end - headEnd);
                if (missing <= 0) {
                    start = headEnd + length;
                } else {
                    start = end = 0;
                    while (missing > 0) {
                        int n = s.read(buf, 0, buf.length);
                        if (n < 0) {
                            throw new IOException("server closed the connection");
                        }
                        if (n > missing) {
                            start = (int) missing;
                            end = n;
                        }
                        missing -= n;
                    }
                }
                if (start == end) {
                    start = end = 0;
                }
                if (measuring) {
                    histogram.record((System.nanoTime() - t0) / 1000);
                }
            }
            connection.phase = Phase.CLOSING;
        } catch (IOException e) {
            if (!stopping) {
                errors.incrementAndGet();
            }
        } finally {
            connection.phase = Phase.ENDED;
        }
    }

    /** The index just past CRLFCRLF in buf[from, to), or -1. */
    private static int indexOfHeadEnd(byte[] buf, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    private static int contentLength(byte[] buf, int from, int to) {
        String head = new String(buf, from, to - from, StandardCharsets.US_ASCII);
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }
}
