package io.loomring.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apache HttpClient 5 (classic, pooled) on Loomring sockets through its socket factory hook
 * ({@link DetachedSocketFactory}), against the JDK's HTTP server: keep-alive reuse, 100 virtual
 * threads at once, a 4 MiB body echoed, and a response timeout; every body checked.
 */
class JavaNetHttpClientTest {
    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static SchedulersByBackend schedulers;
    private static final Set<Integer> CLIENT_PORTS = ConcurrentHashMap.newKeySet();
    private static final CountDownLatch TESTS_OVER = new CountDownLatch(1);

    @BeforeAll
    static void start() throws IOException {
        schedulers = new SchedulersByBackend("http-test");
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        server = HttpServer.create(new InetSocketAddress(Loopback.V4, 0), 1024);
        server.setExecutor(serverThreads);
        server.createContext("/hello", x -> {
            CLIENT_PORTS.add(x.getRemoteAddress().getPort());
            reply(x, "Hello, World!".getBytes(UTF_8));
        });
        server.createContext("/echo", x -> reply(x, x.getRequestBody().readAllBytes()));
        server.createContext("/slow", x -> {
            try {
                TESTS_OVER.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(x, "late".getBytes(UTF_8));
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        TESTS_OVER.countDown();
        if (server != null) {
            server.stop(0);
        }
        if (serverThreads != null) {
            serverThreads.close();
        }
        if (schedulers != null) {
            schedulers.close();
        }
    }

    private static void reply(HttpExchange x, byte[] body) throws IOException {
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    /** A pooled HttpClient whose connections are Loomring sockets on {@code scheduler}. */
    static CloseableHttpClient client(IoScheduler scheduler) {
        LoomringSocketFactory loomring = new LoomringSocketFactory(scheduler);
        DetachedSocketFactory sockets = proxy -> loomring.createSocket(proxy != null ? proxy : Proxy.NO_PROXY);
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
                new DefaultHttpClientConnectionOperator(sockets, null, null,
                        RegistryBuilder.<TlsSocketStrategy>create().build()),
                PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND, null);
        connections.setMaxTotal(200);
        connections.setDefaultMaxPerRoute(200);
        connections.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.ofSeconds(10)).setSocketTimeout(Timeout.ofSeconds(30)).build());
        return HttpClients.custom().setConnectionManager(connections).build();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void keepAliveReusesOneConnection(Backend backend) throws Exception {
        IoScheduler s = schedulers.get(backend);
        long before = s.stats().completions();
        CLIENT_PORTS.clear();
        try (CloseableHttpClient http = client(s)) {
            for (int i = 0; i < 200; i++) {
                String body = http.execute(new HttpGet(url("/hello")), r -> {
                    assertEquals(200, r.getCode());
                    return EntityUtils.toString(r.getEntity(), UTF_8);
                });
                assertEquals("Hello, World!", body);
            }
        }
        assertEquals(1, CLIENT_PORTS.size(), () -> "connections used: " + CLIENT_PORTS);
        assertTrue(s.stats().completions() > before, "no await completed on " + s);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void hundredVirtualThreadsPostAtOnce(Backend backend) throws Exception {
        try (CloseableHttpClient http = client(schedulers.get(backend));
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < 100; t++) {
                int id = t;
                done.add(vts.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        byte[] sent = ("thread " + id + " request " + i + " ").repeat(id + 1).getBytes(UTF_8);
                        HttpPost post = new HttpPost(url("/echo"));
                        post.setEntity(new ByteArrayEntity(sent, null));
                        byte[] got = http.execute(post, r -> EntityUtils.toByteArray(r.getEntity()));
                        assertArrayEquals(sent, got);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void largeBodyRoundTrip(Backend backend) throws Exception {
        byte[] sent = new byte[4 << 20];
        new java.util.SplittableRandom(11).nextBytes(sent);
        try (CloseableHttpClient http = client(schedulers.get(backend))) {
            HttpPost post = new HttpPost(url("/echo"));
            post.setEntity(new ByteArrayEntity(sent, null));
            assertArrayEquals(sent, http.execute(post, r -> EntityUtils.toByteArray(r.getEntity())));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void responseTimeoutIsASocketTimeout(Backend backend) throws Exception {
        try (CloseableHttpClient http = client(schedulers.get(backend))) {
            HttpGet slow = new HttpGet(url("/slow"));
            slow.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofMilliseconds(300)).build());
            assertThrows(SocketTimeoutException.class, () -> http.execute(slow, r -> r.getCode()));
            assertEquals("Hello, World!", http.execute(new HttpGet(url("/hello")),
                    r -> EntityUtils.toString(r.getEntity(), UTF_8)), "the client still works");
        }
    }
}
