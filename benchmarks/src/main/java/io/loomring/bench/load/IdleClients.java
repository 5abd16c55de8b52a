package io.loomring.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Idle keep-alive connections, for measuring what they cost a server (run-idle.sh): opens N
 * connections to an HTTP server, sends one {@code GET / HTTP/1.1} on each and reads its whole
 * response (head, then {@code Content-Length} body bytes; it must be a 200), then keeps them all
 * open without a byte more, prints {@code ready N} and waits until standard input closes or the
 * duration passes, and exits 0.
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.load.IdleClients [-c N] [-d SECONDS] [-p PARALLEL] [-t SECONDS] HOST:PORT
 * </pre>
 * <ul>
 *   <li>{@code -c}: connections (10,000);</li>
 *   <li>{@code -d}: how long to hold them at most once all are ready (0, the default: until
 *   standard input closes);</li>
 *   <li>{@code -p}: connections being opened and served their request at once (256: fewer than a
 *   server's accept backlog, so that no SYN is dropped and retried a second later);</li>
 *   <li>{@code -t}: the time limit for all of them to be ready (120 s).</li>
 * </ul>
 * Each connection is a virtual thread on the JDK's own sockets. Once its response is in, the
 * thread waits in a read of the idle connection: a server that closes or resets one, or sends it
 * anything, is noticed at once. Any connection that fails, before or after {@code ready}, makes it
 * print why on standard error and exit 1 at once: a figure taken with fewer connections than asked
 * for would be wrong. Its own memory is not what is measured; it needs a file descriptor per
 * connection (ulimit -n).
 */
public final class IdleClients {
    private static final byte[] REQUEST =
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Connect and response timeout of each connection before it is idle. */
    private static final int TIMEOUT_MS = 10_000;
    private static final int MAX_HEAD = 8 * 1024;

    private final InetSocketAddress address;
    private final int connections;
    private final Semaphore opening;
    private final CountDownLatch ready;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile boolean ending;
    private volatile long readyNanos;

    private IdleClients(InetSocketAddress address, int connections, int parallel) {
        this.address = address;
        this.connections = connections;
        this.opening = new Semaphore(parallel);
        this.ready = new CountDownLatch(connections);
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        int connections = 10_000;
        long seconds = 0;
        int parallel = 256;
        long limit = 120;
        String target = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-c" -> connections = Integer.parseInt(args[++i]);
                    case "-d" -> seconds = Long.parseLong(args[++i].replace("s", ""));
                    case "-p" -> parallel = Integer.parseInt(args[++i]);
                    case "-t" -> limit = Long.parseLong(args[++i].replace("s", ""));
                    default -> {
                        if (target != null || args[i].startsWith("-")) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        target = args[i];
                    }
                }
            }
            if (target == null || target.lastIndexOf(':') < 0) {
                throw new IllegalArgumentException("HOST:PORT missing");
            }
            if (connections < 1 || parallel < 1 || seconds < 0 || limit < 1) {
                throw new IllegalArgumentException("-c, -p and -t must be positive, -d not negative");
            }
        } catch (RuntimeException e) {
            System.err.println("IdleClients: " + e.getMessage());
            System.err.println("usage: IdleClients [-c N] [-d SECONDS] [-p PARALLEL] [-t SECONDS] HOST:PORT");
            System.exit(2);
        }
        int colon = target.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1)));
        new IdleClients(address, connections, parallel).run(seconds, limit);
    }

    private void run(long seconds, long limit) throws InterruptedException {
        long start = System.nanoTime();
        Thread.ofPlatform().daemon().name("failures").start(this::exitOnFailure);
        for (int i = 0; i < connections; i++) {
            int id = i;
            opening.acquire(); // released once the connection's response is in (or it failed)
            if (failure.get() != null) {
                break; // exitOnFailure() ends the process
            }
            Thread.ofVirtual().name("idle-", id).start(() -> connection(id));
        }
        if (!ready.await(Math.max(1, limit * 1_000_000_000L - (System.nanoTime() - start)), TimeUnit.NANOSECONDS)) {
            fail(String.format(Locale.ROOT, "only %d of %d connections to %s were ready after %d s",
                    connections - ready.getCount(), connections, describe(address), limit));
            Thread.sleep(Long.MAX_VALUE); // exitOnFailure() ends the process
        }
        readyNanos = System.nanoTime();
        System.err.printf(Locale.ROOT, "IdleClients: %d connections to %s opened and answered in %.1f s%n",
                connections, describe(address), (readyNanos - start) / 1e9);
        System.out.println("ready " + connections);
        System.out.flush();
        Thread stdin = Thread.ofPlatform().daemon().name("stdin").start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // closed or unreadable: either way, time to end
            }
        });
        if (seconds > 0) {
            stdin.join(Duration.ofSeconds(seconds));
        } else {
            stdin.join();
        }
        ending = true;
        if (failure.get() != null) {
            Thread.sleep(Long.MAX_VALUE); // a failure came first: exitOnFailure() ends the process
        }
        System.exit(0); // closes every connection
    }

    /** One connection: connect, one request and its response, then wait idle in a read. */
    private void connection(int id) {
        Socket socket = new Socket();
        boolean answered = false;
        try {
            socket.connect(address, TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(REQUEST);
            // Buffered: the head is parsed a byte at a time, without a syscall for each.
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
            readResponse(in);
            answered = true;
            socket.setSoTimeout(0);
            opening.release();
            ready.countDown();
            int b = in.read(); // idle from here on: nothing is due
            if (!ending) {
                fail("connection #" + id + (b < 0 ? " was closed by the server" : " received an unexpected byte")
                        + " after " + idleSeconds());
            }
        } catch (IOException | RuntimeException e) {
            if (!ending) {
                fail("connection #" + id + (answered ? " failed after " + idleSeconds() + ": "
                        : " failed before its response was in: ") + e);
            }
        } finally {
            if (!answered) {
                opening.release();
            }
        }
    }

    private String idleSeconds() {
        long at = readyNanos;
        return at == 0 ? "its response, before all were ready"
                : String.format(Locale.ROOT, "%.1f s idle (counted from 'ready')", (System.nanoTime() - at) / 1e9);
    }

    /** Reads one response: its head, then its Content-Length body; it must be a 200. */
    private static void readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: "
                        + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("response head longer than " + MAX_HEAD + " bytes");
            }
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        if (!text.startsWith("HTTP/1.1 200")) {
            throw new IOException("answered '" + text.substring(0, text.indexOf("\r\n")) + "'");
        }
        long length = -1;
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        if (length < 0) {
            throw new IOException("response without Content-Length");
        }
        if (length > Integer.MAX_VALUE || in.readNBytes((int) length).length < length) {
            throw new IOException("connection closed inside the response body");
        }
    }

    private void fail(String why) {
        if (failure.compareAndSet(null, why)) {
            failed.countDown();
        }
    }

    private void exitOnFailure() {
        try {
            failed.await();
        } catch (InterruptedException e) {
            return;
        }
        System.out.flush();
        System.err.println("IdleClients: " + failure.get());
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private static String describe(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
