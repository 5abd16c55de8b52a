package io.loomring.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.net.LoomringSocketFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Clients nobody here wrote, on Loomring's java.net drop-in sockets, against the examples' own
 * servers: Jedis against {@code resp} (pipelines, 1,000 virtual-thread clients at once) and Apache
 * HttpClient 5 against {@code http} (keep-alive, 100 virtual threads at once). Both ends of every
 * connection run on Loomring, each on the same backend.
 */
@Timeout(120)
class JavaNetClientsTest {

    private static JedisSocketFactory jedisSockets(LoomringSocketFactory sockets, InetSocketAddress server) {
        return () -> {
            Socket s = null;
            try {
                s = sockets.createSocket();
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                s.connect(server, 10_000);
                s.setSoTimeout(30_000);
                return s;
            } catch (IOException e) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw new JedisConnectionException("Failed to connect to " + server, e);
            }
        };
    }

    /** The resp example knows no CLIENT SETINFO: Jedis is told not to send it. */
    private static Jedis jedis(LoomringSocketFactory sockets, InetSocketAddress server) {
        return new Jedis(jedisSockets(sockets, server), DefaultJedisClientConfig.builder()
                .clientSetInfoConfig(redis.clients.jedis.ClientSetInfoConfig.DISABLED).build());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void jedisPipelinesAgainstResp(Backend backend) throws Exception {
        try (ExampleServer server = Backends.start("resp", backend);
             IoScheduler io = IoScheduler.builder().backend(backend).build();
             Jedis j = jedis(new LoomringSocketFactory(io), server.localAddress())) {
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("greeting", "hello"));
            assertEquals("hello", j.get("greeting"));
            int n = 5_000;
            Pipeline pipe = j.pipelined();
            List<Response<Long>> incrs = new ArrayList<>();
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pipe.set("k" + i, "v" + i);
                gets.add(pipe.get("k" + i));
                incrs.add(pipe.incr("counter"));
            }
            pipe.sync();
            for (int i = 0; i < n; i++) {
                assertEquals("v" + i, gets.get(i).get());
                assertEquals(i + 1, incrs.get(i).get());
            }
            assertTrue(io.stats().completions() > 0, "the client never waited on Loomring");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void thousandJedisClientsAtOnceAgainstResp(Backend backend) throws Exception {
        int clients = 1_000;
        try (ExampleServer server = Backends.start("resp", backend);
             IoScheduler io = IoScheduler.builder().backend(backend).build();
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            LoomringSocketFactory sockets = new LoomringSocketFactory(io);
            CountDownLatch allConnected = new CountDownLatch(clients);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                done.add(vts.submit(() -> {
                    try (Jedis j = jedis(sockets, server.localAddress())) {
                        assertEquals("PONG", j.ping());
                        allConnected.countDown();
                        assertTrue(go.await(60, TimeUnit.SECONDS));
                        Pipeline pipe = j.pipelined();
                        List<Response<String>> back = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            pipe.set("c" + id + ":" + i, id + "/" + i);
                            back.add(pipe.get("c" + id + ":" + i));
                        }
                        pipe.incr("clients");
                        pipe.sync();
                        for (int i = 0; i < 10; i++) {
                            assertEquals(id + "/" + i, back.get(i).get());
                        }
                    }
                    return null;
                }));
            }
            try {
                assertTrue(allConnected.await(60, TimeUnit.SECONDS), "not all clients connected");
                int open = ((LoomringServer) server).connectionCount();
                assertTrue(open >= clients, "the server saw " + open + " connections at once");
            } finally {
                go.countDown();
            }
            for (Future<Void> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            try (Jedis j = jedis(sockets, server.localAddress())) {
                assertEquals(String.valueOf(clients), j.get("clients"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void httpClient5AgainstHttp(Backend backend) throws Exception {
        try (ExampleServer server = Backends.start("http", backend);
             IoScheduler io = IoScheduler.builder().backend(backend).build();
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            LoomringSocketFactory loomring = new LoomringSocketFactory(io);
            AtomicInteger opened = new AtomicInteger();
            DetachedSocketFactory sockets = proxy -> {
                opened.incrementAndGet();
                return loomring.createSocket(proxy != null ? proxy : Proxy.NO_PROXY);
            };
            PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
                    new DefaultHttpClientConnectionOperator(sockets, null, null,
                            RegistryBuilder.<TlsSocketStrategy>create().build()),
                    PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND, null);
            connections.setMaxTotal(100);
            connections.setDefaultMaxPerRoute(100);
            String url = "http://127.0.0.1:" + server.localAddress().getPort() + "/";
            try (CloseableHttpClient http = HttpClients.custom().setConnectionManager(connections).build()) {
                List<Future<Void>> done = new ArrayList<>();
                for (int t = 0; t < 100; t++) {
                    done.add(vts.submit(() -> {
                        for (int i = 0; i < 20; i++) {
                            String body = http.execute(new HttpGet(url), r -> {
                                assertEquals(200, r.getCode());
                                return EntityUtils.toString(r.getEntity(), UTF_8);
                            });
                            assertEquals("Hello, World!", body);
                        }
                        return null;
                    }));
                }
                for (Future<Void> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
            assertTrue(opened.get() <= 100, opened + " connections for 2,000 requests: keep-alive reuses them");
            assertTrue(io.stats().completions() > 0, "the client never waited on Loomring");
        }
    }
}
