package io.loomring.bench.load;

import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 load generator for machines without {@code wrk}: N keep-alive connections, each
 * a virtual thread on Loomring's own client sockets sending {@code GET /} and reading the whole
 * response before the next, for a warm-up and then a measured interval. It prints its result in
 * {@code wrk --latency}'s format (the lines the harness reads).
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.load.LoadGenerator -c 256 -d 10 -w 3 http://127.0.0.1:PORT/
 * </pre>
 * Counts connection errors and non-2xx responses; any error makes it exit 1.
 */
public final class LoadGenerator {
    private static final byte[] REQUEST =
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private volatile boolean measuring;
    private volatile boolean stopping;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();

    private LoadGenerator() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        int connections = 256;
        int seconds = 10;
        int warmup = 0;
        String url = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> connections = Integer.parseInt(args[++i]);
                case "-d" -> seconds = Integer.parseInt(args[++i].replace("s", ""));
                case "-w" -> warmup = Integer.parseInt(args[++i].replace("s", ""));
                default -> url = args[i];
            }
        }
        if (url == null || !url.startsWith("http://")) {
            System.err.println("usage: LoadGenerator [-c N] [-d SECONDS] [-w SECONDS] http://HOST:PORT/");
            System.exit(2);
        }
        String hostPort = url.substring(7, url.indexOf('/', 7) < 0 ? url.length() : url.indexOf('/', 7));
        int colon = hostPort.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        System.exit(new LoadGenerator().run(address, connections, warmup, seconds));
    }

    private int run(InetSocketAddress address, int connections, int warmup, int seconds) throws InterruptedException {
        List<LatencyHistogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            LatencyHistogram h = new LatencyHistogram();
            histograms.add(h);
            threads.add(Thread.ofVirtual().start(() -> client(address, h)));
        }
        Thread.sleep(Duration.ofSeconds(warmup));
        measuring = true;
        long start = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(seconds));
        measuring = false;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stopping = true;
        for (Thread t : threads) {
            t.join(5000);
        }
        LatencyHistogram all = new LatencyHistogram();
        histograms.forEach(all::add);
        System.out.printf(Locale.ROOT, "Running %ds test @ http://%s:%d/ (Loomring client sockets)%n",
                seconds, address.getHostString(), address.getPort());
        System.out.printf(Locale.ROOT, "  %d connections%n", connections);
        System.out.printf(Locale.ROOT, "  Latency Distribution%n");
        System.out.printf(Locale.ROOT, "     50%%  %dus%n", all.quantile(0.50));
        System.out.printf(Locale.ROOT, "     99%%  %dus%n", all.quantile(0.99));
        System.out.printf(Locale.ROOT, "  %d requests in %.2fs%n", all.total(), elapsed);
        if (errors.get() > 0) {
            System.out.printf(Locale.ROOT, "  Socket errors: connect 0, read %d, write 0, timeout 0%n", errors.get());
        }
        if (non2xx.get() > 0) {
            System.out.printf(Locale.ROOT, "  Non-2xx or 3xx responses: %d%n", non2xx.get());
        }
        System.out.printf(Locale.ROOT, "Requests/sec: %.2f%n", all.total() / elapsed);
        return errors.get() + non2xx.get() > 0 ? 1 : 0;
    }

    private void client(InetSocketAddress address, LatencyHistogram histogram) {
        byte[] buf = new byte[4096];
        try (TcpSocket s = TcpSocket.connect(address, Duration.ofSeconds(5))) {
            s.setTcpNoDelay(true);
            s.setReadTimeout(Duration.ofSeconds(5));
            int start = 0;
            int end = 0;
            while (!stopping) {
                long t0 = System.nanoTime();
                s.write(REQUEST, 0, REQUEST.length);
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
                int needed = headEnd + length;
                while (end < needed) {
                    int n = s.read(buf, end, buf.length - end);
                    if (n < 0) {
                        throw new IOException("server closed the connection");
                    }
                    end += n;
                }
                start = needed;
                if (start == end) {
                    start = end = 0;
                }
                if (measuring) {
                    histogram.record((System.nanoTime() - t0) / 1000);
                }
            }
        } catch (IOException e) {
            if (!stopping) {
                errors.incrementAndGet();
            }
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
