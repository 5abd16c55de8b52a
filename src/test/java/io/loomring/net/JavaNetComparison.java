package io.loomring.net;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.SocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The same JDBC and Jedis workloads on the JDK's sockets and on Loomring's (io_uring, epoll), in
 * one run, in interleaved rounds; prints the median and range of each variant's throughput and
 * of the client JVM's CPU time per operation. Not a test: run it with
 * {@code src/test/scripts/javanet-comparison.sh [rounds]}.
 *
 * <ul>
 *   <li>JDBC: {@value #PG_THREADS} virtual threads, one connection each, {@value #PG_QUERIES}
 *       prepared {@code SELECT} round trips per thread, against a local PostgreSQL.</li>
 *   <li>Jedis: {@value #REDIS_THREADS} virtual threads, one connection each, {@value #REDIS_OPS}
 *       {@code SET}+{@code GET} pairs per thread (no pipelining), against a local redis-server.</li>
 * </ul>
 */
public final class JavaNetComparison {
    private static final int PG_THREADS = 50;
    private static final int PG_QUERIES = 1000;
    private static final int REDIS_THREADS = 200;
    private static final int REDIS_OPS = 250;

    private JavaNetComparison() {}

    /** A variant: a name and the socket factory its clients use. */
    private record Variant(String name, SocketFactory sockets, String pgFactoryArg) {}

    /** One measurement: operations per second and client CPU microseconds per operation. */
    private record Sample(double opsPerSecond, double cpuMicrosPerOp) {}

    /** Runs the comparison; the optional argument is the number of rounds (default 5). */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (TestServers.Server pg = TestServers.postgres(); TestServers.Server redis = TestServers.redis();
             IoScheduler uring = IoScheduler.builder().backend(Backend.IO_URING).build();
             IoScheduler epoll = IoScheduler.builder().backend(Backend.EPOLL).build()) {
            LoomringSocketFactory.registerScheduler("comparison-io_uring", uring);
            LoomringSocketFactory.registerScheduler("comparison-epoll", epoll);
            List<Variant> variants = List.of(
                    new Variant("JDK sockets", SocketFactory.getDefault(), null),
                    new Variant("Loomring io_uring", new LoomringSocketFactory(uring), "comparison-io_uring"),
                    new Variant("Loomring epoll", new LoomringSocketFactory(epoll), "comparison-epoll"));
            Map<String, List<Sample>> jdbc = new LinkedHashMap<>();
            Map<String, List<Sample>> jedis = new LinkedHashMap<>();
            System.out.printf("warm-up, then %d interleaved rounds%n", rounds);
            for (Variant v : variants) {
                jdbcRound(pg.port, v);
                jedisRound(redis.port, v);
            }
            for (int r = 0; r < rounds; r++) {
                for (Variant v : variants) {
                    jdbc.computeIfAbsent(v.name, k -> new ArrayList<>()).add(jdbcRound(pg.port, v));
                    jedis.computeIfAbsent(v.name, k -> new ArrayList<>()).add(jedisRound(redis.port, v));
                }
                System.out.printf("round %d done%n", r + 1);
            }
            report("JDBC: " + PG_THREADS + " virtual threads x " + PG_QUERIES + " prepared SELECTs", "queries/s", jdbc);
            report("Jedis: " + REDIS_THREADS + " virtual threads x " + REDIS_OPS + " SET+GET", "commands/s", jedis);
        }
    }

    private static Sample jdbcRound(int port, Variant v) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        if (v.pgFactoryArg != null) {
            p.setProperty("socketFactory", LoomringSocketFactory.class.getName());
            p.setProperty("socketFactoryArg", v.pgFactoryArg);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < PG_THREADS; i++) {
            connections.add(DriverManager.getConnection(url, p)); // connecting is not measured
        }
        try {
            return measure(PG_THREADS * (long) PG_QUERIES, connections.stream().map(c -> (Work) () -> {
                try (PreparedStatement q = c.prepareStatement("SELECT ?::int + 1")) {
                    for (int i = 0; i < PG_QUERIES; i++) {
                        q.setInt(1, i);
                        try (ResultSet rs = q.executeQuery()) {
                            if (!rs.next() || rs.getInt(1) != i + 1) {
                                throw new IllegalStateException("wrong result");
                            }
                        }
                    }
                }
            }).toList());
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private static Sample jedisRound(int port, Variant v) throws Exception {
        List<Jedis> clients = new ArrayList<>();
        for (int i = 0; i < REDIS_THREADS; i++) {
            Jedis j = new Jedis(new LoomringJedisSocketFactory(v.sockets, new HostAndPort("127.0.0.1", port), 30_000));
            j.ping(); // connecting is not measured
            clients.add(j);
        }
        try {
            List<Work> work = new ArrayList<>();
            for (int t = 0; t < clients.size(); t++) {
                Jedis j = clients.get(t);
                String key = "cmp:" + t;
                work.add(() -> {
                    for (int i = 0; i < REDIS_OPS; i++) {
                        String value = Integer.toString(i);
                        j.set(key, value);
                        if (!value.equals(j.get(key))) {
                            throw new IllegalStateException("wrong value");
                        }
                    }
                });
            }
            return measure(2L * REDIS_THREADS * REDIS_OPS, work);
        } finally {
            for (Jedis j : clients) {
                j.close();
            }
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Runs every piece of work on its own virtual thread at once; times the whole. */
    private static Sample measure(long operations, List<Work> work) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> done = new ArrayList<>();
            for (Work w : work) {
                done.add(vts.submit(() -> {
                    w.run();
                    return null;
                }));
            }
            for (Future<Object> f : done) {
                f.get();
            }
        }
        long elapsed = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        return new Sample(operations * 1e9 / elapsed, cpu / 1e3 / operations);
    }

    private static void report(String title, String unit, Map<String, List<Sample>> samples) {
        System.out.printf("%n%s (medians of %d rounds [range])%n", title, samples.values().iterator().next().size());
        System.out.printf("| variant | %s | vs JDK | client CPU µs/op |%n| --- | --- | --- | --- |%n", unit);
        double jdk = median(samples.values().iterator().next().stream().mapToDouble(Sample::opsPerSecond).toArray());
        samples.forEach((name, list) -> {
            double[] ops = list.stream().mapToDouble(Sample::opsPerSecond).toArray();
            double[] cpu = list.stream().mapToDouble(Sample::cpuMicrosPerOp).toArray();
            System.out.printf(Locale.ROOT, "| %s | %,.0f [%,.0f–%,.0f] | %.2f× | %.1f |%n", name, median(ops),
                    Arrays.stream(ops).min().orElse(0), Arrays.stream(ops).max().orElse(0), median(ops) / jdk,
                    median(cpu));
        });
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
