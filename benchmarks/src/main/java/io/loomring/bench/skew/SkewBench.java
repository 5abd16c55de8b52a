package io.loomring.bench.skew;

import io.loomring.IoScheduler;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Skewed load on carried threads, the way a server run by the launcher sees it: one carried
 * accepting thread starts a virtual thread per connection, so every connection begins on the
 * acceptor's carrier. A request is 8 bytes naming how many microseconds of computing it costs; the
 * answer is the same 8 bytes. Clients (the JDK's sockets on platform threads) keep
 * {@code light} connections busy with 20 µs requests and {@code heavy} ones with 1 ms requests;
 * with {@code --hog}, one more connection asks for 200 ms every second (a CPU-bound request).
 * Each round runs the same load on a fresh 2-carrier scheduler with balancing on and off, and
 * prints one line per run: the share of the measured window each carrier spent running carried
 * threads, busiest first (from {@link IoScheduler#carrierBusyNanos()}, after a warm-up), the light requests' latency
 * (p50/p99/max) and count, and how many threads moved.
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.skew.SkewBench [--rounds 3] [--seconds 10] [--hog]
 * </pre>
 */
public final class SkewBench {
    private static final int LIGHT = 56;
    private static final int HEAVY = 8;
    private static final long LIGHT_MICROS = 20;
    private static final long HEAVY_MICROS = 1_000;
    private static final long HOG_MICROS = 200_000;

    private SkewBench() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int seconds = 10;
        boolean hog = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--hog" -> hog = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("round\tbalancing\tbusy_share_busiest/least\tlight_p50_us\tlight_p99_us\tlight_max_us\tlight_requests\tmoves");
        for (int r = 1; r <= rounds; r++) {
            for (boolean balance : new boolean[] {true, false}) {
                System.out.println(r + "\t" + (balance ? "on" : "off") + "\t" + run(balance, seconds, hog));
            }
        }
    }

    private static String run(boolean balance, int seconds, boolean hog) throws Exception {
        try (IoScheduler io = IoScheduler.builder().carriers(2).balanceCarriers(balance).build();
             TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1024, false, io)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread acceptor = io.threadFactory("acceptor").newThread(() -> accept(server, stop));
            acceptor.start();
            InetSocketAddress at = server.localAddress();
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < LIGHT + HEAVY; i++) {
                clients.add(new Client(at, i < HEAVY ? HEAVY_MICROS : LIGHT_MICROS, 0, stop));
            }
            if (hog) {
                clients.add(new Client(at, HOG_MICROS, TimeUnit.SECONDS.toNanos(1), stop));
            }
            Thread.sleep(2_000); // warm-up: the moves happen here
            long[] busyBefore = io.carrierBusyNanos();
            long from = System.nanoTime();
            clients.forEach(c -> c.measureFrom(from));
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            long[] busyAfter = io.carrierBusyNanos();
            stop.set(true);
            server.close();
            long[] light = clients.stream().filter(c -> c.costMicros == LIGHT_MICROS)
                    .flatMapToLong(c -> Arrays.stream(c.latencies())).sorted().toArray();
            for (Client c : clients) {
                c.thread.join();
            }
            acceptor.join();
            double window = TimeUnit.SECONDS.toNanos(seconds);
            double a = (busyAfter[0] - busyBefore[0]) / window;
            double b = (busyAfter[1] - busyBefore[1]) / window;
            return String.format(Locale.ROOT, "%.0f%%/%.0f%%\t%d\t%d\t%d\t%d\t%d", 100 * Math.max(a, b),
                    100 * Math.min(a, b), percentile(light, 0.50),
                    percentile(light, 0.99), light.length == 0 ? 0 : light[light.length - 1], light.length,
                    io.carriedThreadMoves());
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** The carried acceptor: a virtual thread per connection, started here (so on its carrier). */
    private static void accept(TcpServerSocket server, AtomicBoolean stop) {
        while (!stop.get()) {
            TcpSocket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed at the end
            }
            Thread.ofVirtual().start(() -> serve(s));
        }
    }

    private static void serve(TcpSocket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.inputStream());
            OutputStream out = s.outputStream();
            byte[] answer = new byte[8];
            while (true) {
                long micros = in.readLong();
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                out.write(answer);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** One client connection on a platform thread: requests of one cost, closed loop (or one per {@code everyNanos}). */
    private static final class Client {
        final long costMicros;
        final Thread thread;
        private final long[] samples = new long[1 << 16];
        /** Written by the client thread only. */
        private volatile int count;
        /** Requests that start before this are not counted (the warm-up). */
        private volatile long from = Long.MAX_VALUE;

        Client(InetSocketAddress at, long costMicros, long everyNanos, AtomicBoolean stop) throws IOException {
            this.costMicros = costMicros;
            Socket socket = new Socket(at.getAddress(), at.getPort());
            socket.setTcpNoDelay(true);
            this.thread = Thread.ofPlatform().daemon().start(() -> {
                try (socket) {
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    InputStream in = socket.getInputStream();
                    byte[] answer = new byte[8];
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        out.writeLong(costMicros);
                        in.readNBytes(answer, 0, 8);
                        int n = count;
                        if (start >= from && n < samples.length) {
                            samples[n] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
                            count = n + 1;
                        }
                        if (everyNanos > 0) {
                            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(everyNanos));
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed at the end
                }
            });
        }

        void measureFrom(long nanoTime) {
            from = nanoTime;
        }

        long[] latencies() {
            return Arrays.copyOf(samples, count);
        }
    }
}
