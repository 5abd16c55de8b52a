package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PostgreSQL's JDBC driver on Loomring sockets (its {@code socketFactory} connection property, the
 * backend's scheduler chosen by {@code socketFactoryArg}), against a real PostgreSQL server: a
 * table filled with 10,000 batched inserts and read back row by row, 100 virtual threads on a
 * connection each, a server-side statement timeout, the driver's query timeout and socket timeout,
 * and a query cancelled from another thread (the driver opens a second socket for the cancel
 * request, through the same factory).
 */
class JavaNetPostgresTest {
    private static TestServers.Server server;
    private static SchedulersByBackend schedulers;

    @BeforeAll
    static void start() throws Exception {
        schedulers = new SchedulersByBackend("postgres-test");
        server = TestServers.postgres();
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

    private static Connection connect(Backend backend, Properties extra) throws SQLException {
        schedulers.get(backend);
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("socketFactory", LoomringSocketFactory.class.getName());
        p.setProperty("socketFactoryArg", schedulers.name(backend));
        p.setProperty("connectTimeout", "10");
        p.putAll(extra);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port + "/postgres", p);
    }

    private static Connection connect(Backend backend) throws SQLException {
        return connect(backend, new Properties());
    }

    /** The driver's waits went through {@code backend}'s scheduler: its poller saw completions. */
    private static void assertWaitedOnLoomring(Backend backend, long completionsBefore) {
        IoScheduler s = schedulers.get(backend);
        assertEquals(backend, s.backend());
        assertTrue(s.stats().completions() > completionsBefore, () -> "no await completed on " + s);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void tenThousandBatchedInsertsReadBackRowByRow(Backend backend) throws Exception {
        long before = schedulers.get(backend).stats().completions();
        String table = "rows_" + backend.name().toLowerCase(java.util.Locale.ROOT);
        int rows = 10_000;
        try (Connection c = connect(backend); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text NOT NULL, amount float8 NOT NULL)");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO " + table + " (id, name, amount) VALUES (?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row-" + i + "-" + "x".repeat(i % 50));
                    insert.setDouble(3, i * 1.5);
                    insert.addBatch();
                    if (i % 500 == 499) {
                        for (int n : insert.executeBatch()) {
                            assertEquals(1, n);
                        }
                    }
                }
            }
            c.commit();
            c.setAutoCommit(true);
            try (ResultSet rs = st.executeQuery("SELECT id, name, amount FROM " + table + " ORDER BY id")) {
                int expected = 0;
                while (rs.next()) {
                    assertEquals(expected, rs.getInt(1));
                    assertEquals("row-" + expected + "-" + "x".repeat(expected % 50), rs.getString(2));
                    assertEquals(expected * 1.5, rs.getDouble(3));
                    expected++;
                }
                assertEquals(rows, expected);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*), sum(id) FROM " + table)) {
                assertTrue(rs.next());
                assertEquals(rows, rs.getLong(1));
                assertEquals((long) rows * (rows - 1) / 2, rs.getLong(2));
            }
            st.execute("DROP TABLE " + table);
        }
        assertWaitedOnLoomring(backend, before);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void hundredVirtualThreadsEachOnItsOwnConnection(Backend backend) throws Exception {
        hundredConnections(backend, Thread.ofVirtual().factory());
    }

    /**
     * The same with the threads carried by the scheduler's carriers: on io_uring the driver's
     * reads and writes then go through the ring (completion mode).
     */
    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void hundredCarriedThreadsEachOnItsOwnConnection(Backend backend) throws Exception {
        IoScheduler io = schedulers.get(backend);
        org.junit.jupiter.api.Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
        java.util.concurrent.atomic.AtomicInteger completionMode = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadFactory carried = io.threadFactory("jdbc-");
        hundredConnections(backend, task -> carried.newThread(() -> {
            if (io.completionMode()) {
                completionMode.incrementAndGet();
            }
            task.run();
        }));
        assertEquals(backend == Backend.IO_URING ? 100 : 0, completionMode.get(),
                "carried threads use completion mode exactly on io_uring");
    }

    private static void hundredConnections(Backend backend, java.util.concurrent.ThreadFactory factory) throws Exception {
        long before = schedulers.get(backend).stats().completions();
        int threads = 100;
        List<Future<Integer>> pids = new ArrayList<>();
        try (ExecutorService vts = Executors.newThreadPerTaskExecutor(factory)) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                pids.add(vts.submit(() -> {
                    try (Connection c = connect(backend)) {
                        return twentyRounds(c, id, 100);
                    }
                }));
            }
            Set<Integer> distinct = new HashSet<>();
            for (Future<Integer> f : pids) {
                distinct.add(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(threads, distinct.size(), "one server backend per connection");
        }
        assertWaitedOnLoomring(backend, before);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void serverStatementTimeoutCancelsTheQueryAndTheConnectionStaysUsable(Backend backend) throws Exception {
        try (Connection c = connect(backend); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 200");
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT pg_sleep(10)"));
            assertEquals("57014", e.getSQLState(), e::toString); // query_canceled
            st.execute("SET statement_timeout = 0");
            assertOne(st);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void driverQueryTimeoutSendsACancelRequest(Backend backend) throws Exception {
        try (Connection c = connect(backend); Statement st = c.createStatement()) {
            st.setQueryTimeout(1);
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT pg_sleep(10)"));
            assertEquals("57014", e.getSQLState(), e::toString);
            st.setQueryTimeout(0);
            assertOne(st);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void queryCancelledFromAnotherThread(Backend backend) throws Exception {
        try (Connection c = connect(backend); Connection watcher = connect(backend);
             Statement st = c.createStatement()) {
            int pid;
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                assertTrue(rs.next());
                pid = rs.getInt(1);
            }
            Future<SQLException> running;
            try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
                running = vts.submit(() -> {
                    try {
                        st.executeQuery("SELECT pg_sleep(30)");
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                });
                awaitActive(watcher, pid);
                long start = System.nanoTime();
                st.cancel();
                SQLException e = running.get(20, TimeUnit.SECONDS);
                assertNotNull(e, "the query was not cancelled");
                assertEquals("57014", e.getSQLState(), e::toString);
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
            }
            assertOne(st);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void socketTimeoutIsTheDriversReadTimeout(Backend backend) throws Exception {
        Properties p = new Properties();
        p.setProperty("socketTimeout", "1");
        try (Connection c = connect(backend, p); Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT pg_sleep(5)"));
            Throwable cause = e;
            while (cause != null && !(cause instanceof SocketTimeoutException)) {
                cause = cause.getCause();
            }
            assertNotNull(cause, () -> "no SocketTimeoutException under " + e);
            assertTrue(c.isClosed(), "the driver gives up the connection after an I/O error");
        }
    }

    /** Waits until backend {@code pid} runs a query (pg_stat_activity), as seen from {@code watcher}. */
    private static void awaitActive(Connection watcher, int pid) throws SQLException, InterruptedException {
        try (PreparedStatement q = watcher.prepareStatement(
                "SELECT state, query FROM pg_stat_activity WHERE pid = ?")) {
            q.setInt(1, pid);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next() && "active".equals(rs.getString(1)) && rs.getString(2).contains("pg_sleep(30)")) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
            fail("backend " + pid + " never ran the query");
        }
    }

    private static void assertOne(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
    }

    /**
     * Twenty prepared queries on {@code c}, each answer checked (a number from {@code id}, a text
     * growing by {@code textStep} characters a round); returns the server backend's pid.
     */
    static int twentyRounds(Connection c, int id, int textStep) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT ?::int * 2, repeat('v', ?), pg_backend_pid()")) {
            int pid = 0;
            for (int round = 0; round < 20; round++) {
                int n = id * 100 + round;
                q.setInt(1, n);
                q.setInt(2, round * textStep);
                try (ResultSet rs = q.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(n * 2, rs.getInt(1));
                    assertEquals("v".repeat(round * textStep), rs.getString(2));
                    pid = rs.getInt(3);
                }
            }
            return pid;
        }
    }
}
