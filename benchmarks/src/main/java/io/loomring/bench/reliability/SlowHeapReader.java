package io.loomring.bench.reliability;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.net.TcpSocket;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A reader that sleeps between reads, into a large heap array, on an ordinary virtual thread: how
 * long it takes to read 64 MiB that a fast writer sends, on each backend. A read returns what the
 * socket holds up to the array's length, so the time is mostly the sleeps, the same on both.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.loomring.bench.reliability.SlowHeapReader [MiB] [rounds]</pre>
 */
public final class SlowHeapReader {
    private static final int ARRAY = 256 * 1024;
    private static final long SLEEP_MILLIS = 10;

    private SlowHeapReader() {}

    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 64) << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("slow heap reader: %d MiB, %d KiB array, %d ms between reads%n", bytes >> 20, ARRAY >> 10,
                SLEEP_MILLIS);
        for (int round = 1; round <= rounds; round++) {
            // Paired: the two backends one right after the other, in alternating order.
            Backend[] order = round % 2 == 1 ? new Backend[] {Backend.IO_URING, Backend.EPOLL}
                    : new Backend[] {Backend.EPOLL, Backend.IO_URING};
            double[] seconds = new double[2];
            for (Backend b : order) {
                seconds[b == Backend.IO_URING ? 0 : 1] = run(b, bytes);
            }
            System.out.printf("round %d: io_uring %.2f s, epoll %.2f s, io_uring/epoll %.2fx%n", round, seconds[0],
                    seconds[1], seconds[0] / seconds[1]);
        }
    }

    private static double run(Backend backend, long bytes) throws Exception {
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    byte[] chunk = new byte[64 * 1024];
                    for (long sent = 0; sent < bytes; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<Double> reader = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (TcpSocket s = TcpSocket.connect((InetSocketAddress) server.getLocalSocketAddress(),
                        Duration.ofSeconds(10), io)) {
                    byte[] array = new byte[ARRAY];
                    long start = System.nanoTime();
                    long total = 0;
                    int n;
                    while ((n = s.read(array, 0, array.length)) > 0) {
                        total += n;
                        Thread.sleep(SLEEP_MILLIS);
                    }
                    if (total != bytes) {
                        throw new IllegalStateException("read " + total + " of " + bytes + " bytes");
                    }
                    reader.complete((System.nanoTime() - start) / 1e9);
                } catch (Throwable t) {
                    reader.completeExceptionally(t);
                }
            });
            double seconds = reader.get();
            writer.join();
            return seconds;
        }
    }
}
