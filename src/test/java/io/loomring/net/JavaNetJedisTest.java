package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Jedis on Loomring sockets (a {@code JedisSocketFactory} over {@link LoomringSocketFactory})
 * against a real redis-server: commands, a 10,000-command pipeline, 1,000 virtual-thread clients
 * connected at once, and a read timeout; every value checked.
 */
class JavaNetJedisTest {
    private static final int TIMEOUT_MS = 30_000;
    private static TestServers.Server server;
    private static SchedulersByBackend schedulers;

    @BeforeAll
    static void start() throws Exception {
        schedulers = new SchedulersByBackend("jedis-test");
        server = TestServers.redis();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (schedulers != null) {
            schedulers.close();
        }
    }

    private static Jedis jedis(Backend backend) {
        return jedis(backend, TIMEOUT_MS);
    }

    private static Jedis jedis(Backend backend, int timeoutMillis) {
        LoomringSocketFactory sockets = new LoomringSocketFactory(schedulers.get(backend));
        return new Jedis(new LoomringJedisSocketFactory(sockets, new HostAndPort("127.0.0.1", server.port),
                timeoutMillis));
    }

    private static String prefix(Backend backend) {
        return backend.name().toLowerCase(java.util.Locale.ROOT) + ":";
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void commandsAndPipelines(Backend backend) {
        IoScheduler s = schedulers.get(backend);
        long before = s.stats().completions();
        String p = prefix(backend);
        try (Jedis j = jedis(backend)) {
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set(p + "greeting", "hello"));
            assertEquals("hello", j.get(p + "greeting"));
            String big = "b".repeat(1 << 20);
            j.set(p + "big", big);
            assertEquals(big, j.get(p + "big"));
            j.del(p + "counter");
            int n = 10_000;
            Pipeline pipe = j.pipelined();
            List<Response<Long>> incrs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pipe.set(p + "k" + i, "v" + i);
                incrs.add(pipe.incr(p + "counter"));
            }
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                gets.add(pipe.get(p + "k" + i));
            }
            pipe.sync();
            for (int i = 0; i < n; i++) {
                assertEquals(i + 1, incrs.get(i).get());
                assertEquals("v" + i, gets.get(i).get());
            }
            assertEquals(String.valueOf(n), j.get(p + "counter"));
        }
        assertTrue(s.stats().completions() > before, "no await completed on " + s);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void thousandVirtualThreadClientsAtOnce(Backend backend) throws Exception {
        thousandClients(backend, Thread.ofVirtual().factory(), "vt:");
    }

    /** The same with the clients carried by the scheduler's carriers (completion mode on io_uring). */
    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void thousandCarriedClientsAtOnce(Backend backend) throws Exception {
        IoScheduler s = schedulers.get(backend);
        org.junit.jupiter.api.Assumptions.assumeTrue(s.carriesThreads(), s.carrierReason());
        thousandClients(backend, s.threadFactory("jedis-"), "carried:");
    }

    private void thousandClients(Backend backend, java.util.concurrent.ThreadFactory factory, String keys)
            throws Exception {
        IoScheduler s = schedulers.get(backend);
        long before = s.stats().completions();
        String p = prefix(backend) + keys;
        int clients = 1_000;
        CountDownLatch allConnected = new CountDownLatch(clients);
        CountDownLatch counted = new CountDownLatch(1);
        List<Future<Void>> done = new ArrayList<>();
        try (Jedis admin = jedis(backend); ExecutorService vts = Executors.newThreadPerTaskExecutor(factory)) {
            admin.del(p + "counter");
            for (int c = 0; c < clients; c++) {
                int id = c;
                done.add(vts.submit(() -> {
                    try (Jedis j = jedis(backend)) {
                        assertEquals("PONG", j.ping());
                        allConnected.countDown();
                        assertTrue(counted.await(60, TimeUnit.SECONDS));
                        Pipeline pipe = j.pipelined();
                        List<Response<String>> echoes = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            pipe.set(p + id + ":" + i, id + "/" + i);
                        }
                        for (int i = 0; i < 10; i++) {
                            echoes.add(pipe.get(p + id + ":" + i));
                        }
                        pipe.sync();
                        for (int i = 0; i < 10; i++) {
                            assertEquals(id + "/" + i, echoes.get(i).get());
                        }
                        j.incr(p + "counter");
                        assertEquals(String.valueOf(id), j.get(p + id + ":0").split("/")[0]);
                    }
                    return null;
                }));
            }
            assertTrue(allConnected.await(60, TimeUnit.SECONDS), "not all clients connected");
            long connected = admin.clientList().lines().count();
            counted.countDown();
            assertTrue(connected > clients, "redis saw " + connected + " clients at once");
            for (Future<Void> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(String.valueOf(clients), admin.get(p + "counter"));
        } finally {
            counted.countDown();
        }
        assertTrue(s.stats().completions() > before, "no await completed on " + s);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void readTimeoutSurfacesAsAConnectionError(Backend backend) throws Exception {
        // A server that accepts and never answers: Jedis's read must time out, not hang.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, Loopback.V4)) {
            List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            LoomringSocketFactory sockets = new LoomringSocketFactory(schedulers.get(backend));
            try (Jedis j = new Jedis(new LoomringJedisSocketFactory(sockets,
                    new HostAndPort("127.0.0.1", silent.getLocalPort()), 300))) {
                JedisConnectionException e = assertThrows(JedisConnectionException.class, j::ping);
                Throwable cause = e;
                while (cause != null && !(cause instanceof java.net.SocketTimeoutException)) {
                    cause = cause.getCause();
                }
                assertNotNull(cause, () -> "no SocketTimeoutException under " + e);
            } finally {
                silent.close();
                acceptor.join();
                for (java.net.Socket a : accepted) {
                    a.close();
                }
            }
        }
        try (Jedis j = jedis(backend)) {
            assertEquals("PONG", j.ping(), "the real server still answers");
        }
    }
}
