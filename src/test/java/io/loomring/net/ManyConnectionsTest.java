package io.loomring.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thousands of connections open at once, each served by its own virtual thread parked in read.
 *
 * <p>The 10,000-connection runs need 10,000 fds per side. With the client side in this JVM too they
 * need about 20,500 fds, so that variant runs only where the fd limit allows (the JVM raises its soft
 * limit to the hard one); the variant with the clients in a second JVM (JDK sockets) fits under a
 * 20,000 limit.
 */
class ManyConnectionsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(180);

    /** Echo server: one virtual thread per connection; counts connections open now and at most. */
    static final class CountingEchoServer implements AutoCloseable {
        final TcpServerSocket server;
        final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        final AtomicInteger served = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        CountingEchoServer(IoScheduler io) throws IOException {
            server = TcpServerSocket.bind(Loopback.anyPortV4(), 4096, false, io);
            pool.submit(this::acceptLoop);
        }

        private Void acceptLoop() {
            try {
                for (;;) {
                    TcpSocket s = server.accept();
                    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    pool.submit(() -> serve(s));
                }
            } catch (ClosedChannelException closed) {
                return null; // the test closed the server
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                return null;
            }
        }

        private void serve(TcpSocket s) {
            try (s) {
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (s.read(buf) >= 0) {
                    buf.flip();
                    s.write(buf);
                    buf.clear();
                }
                served.incrementAndGet();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            pool.close();
        }
    }

    static long fdLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new IllegalStateException("no fd limit in /proc/self/limits");
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void twoThousandInProcess(Backend backend) throws Exception {
        inProcess(backend, 2_000);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void tenThousandInProcess(Backend backend) throws Exception {
        long needed = 2L * 10_000 + 500;
        assumeTrue(fdLimit() >= needed, "needs an fd limit of " + needed + ", have " + fdLimit()
                + " (the child-JVM variant covers 10,000 connections)");
        inProcess(backend, 10_000);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void tenThousandFromJdkClientsInAnotherJvm(Backend backend) throws Exception {
        int n = 10_000;
        assumeTrue(fdLimit() >= n + 500, "needs an fd limit of " + (n + 500) + ", have " + fdLimit());
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = Loopback.scheduler(backend)) {
            try (CountingEchoServer echo = new CountingEchoServer(io)) {
                String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
                String java = ProcessHandle.current().info().command().orElse("java");
                Process child = new ProcessBuilder(java, "-cp", classpath, JdkEchoClients.class.getName(),
                        "127.0.0.1", String.valueOf(echo.server.localAddress().getPort()), String.valueOf(n),
                        String.valueOf(DEADLINE.toSeconds() - 10))
                        .redirectErrorStream(true).start();
                try {
                    assertTrue(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "client JVM did not finish");
                    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertEquals(0, child.exitValue(), output);
                    assertEquals("ok " + n, output.strip());
                } finally {
                    child.destroyForcibly();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> echo.served.get() == n);
                assertNull(echo.failure.get());
                assertEquals(n, echo.maxOpen.get(), "all connections were open at once");
                assertEquals(0, echo.open.get());
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Fds.openFdCount() <= fdsBefore);
    }

    private static void inProcess(Backend backend, int n) throws Exception {
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = Loopback.scheduler(backend);
             CountingEchoServer echo = new CountingEchoServer(io);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch allOpen = new CountDownLatch(n);
            List<Future<Void>> results = new ArrayList<>(n);
            java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(256);
            for (int i = 0; i < n; i++) {
                final long id = i;
                results.add(clients.submit(() -> {
                    TcpSocket c;
                    connecting.acquire();
                    try {
                        c = TcpSocket.connect(echo.server.localAddress(), Duration.ofSeconds(30), io);
                    } finally {
                        connecting.release();
                    }
                    try (c) {
                        c.setReadTimeout(DEADLINE);
                        roundTrip(c, id);
                        allOpen.countDown();
                        assertTrue(allOpen.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));
                        roundTrip(c, id + (1L << 32));
                    } finally {
                        allOpen.countDown();
                    }
                    return null;
                }));
            }
            for (Future<Void> f : results) {
                f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> echo.served.get() == n);
            assertNull(echo.failure.get());
            assertEquals(n, echo.maxOpen.get(), "all connections were open at once");
        }
        assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
    }

    private static void roundTrip(TcpSocket c, long value) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(8).putLong(0, value);
        c.write(out);
        ByteBuffer in = ByteBuffer.allocate(8);
        while (in.hasRemaining()) {
            if (c.read(in) < 0) {
                throw new IOException("end of stream after " + in.position() + " bytes");
            }
        }
        assertEquals(value, in.getLong(0));
    }
}
