package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * PostgreSQL's JDBC driver with {@code sslmode=require} on Loomring sockets: the driver layers TLS
 * over the socket Loomring's factory made ({@code SSLSocketFactory.createSocket(socket, host, port,
 * true)}), against the throwaway cluster, which {@code test-servers.sh} gives {@code ssl = on} and
 * a self-signed certificate where openssl is installed (these tests skip where it is not). Each
 * connection is checked to be TLS on the server's side ({@code pg_stat_ssl}); a connection with
 * {@code sslmode=disable} is checked not to be, so that check can fail. {@code verify-full} is
 * checked to accept the cluster's certificate and to refuse another.
 */
class JavaNetPostgresTlsTest {
    private static TestServers.Server server;
    private static SchedulersByBackend schedulers;
    /** Why the tests cannot run here, or null: each test skips with it (a skipped class shows no reason). */
    private static String unavailable;

    @BeforeAll
    static void start() throws Exception {
        schedulers = new SchedulersByBackend("postgres-tls-test");
        try {
            server = TestServers.postgres();
        } catch (TestAbortedException e) {
            unavailable = e.getMessage();
            return;
        }
        // Asked over a plain connection on the JDK's sockets: whether the cluster got a certificate.
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("sslmode", "disable");
        try (Connection c = DriverManager.getConnection(url(), p); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW ssl")) {
            assertTrue(rs.next());
            if (!"on".equals(rs.getString(1))) {
                unavailable = "the test PostgreSQL runs without TLS (ssl = " + rs.getString(1)
                        + "): test-servers.sh gives it a certificate only where openssl is installed";
            }
        }
    }

    @BeforeEach
    void assumeTlsServer() {
        Assumptions.assumeTrue(unavailable == null, unavailable);
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

    private static String url() {
        return "jdbc:postgresql://127.0.0.1:" + server.port + "/postgres";
    }

    private static Connection connect(Backend backend, String sslmode, Properties extra) throws SQLException {
        schedulers.get(backend);
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("socketFactory", LoomringSocketFactory.class.getName());
        p.setProperty("socketFactoryArg", schedulers.name(backend));
        p.setProperty("sslmode", sslmode);
        p.setProperty("connectTimeout", "10");
        p.putAll(extra);
        return DriverManager.getConnection(url(), p);
    }

    private static Connection connectTls(Backend backend) throws SQLException {
        return connect(backend, "require", new Properties());
    }

    /** The TLS version of {@code c}'s connection as the server sees it, or null if it is not TLS. */
    private static String tlsVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertTrue(rs.next(), "no pg_stat_ssl row for this backend");
            return rs.getBoolean(1) ? rs.getString(2) : null;
        }
    }

    static Stream<Arguments> backendsAndThreads() {
        return Loopback.backends().flatMap(b -> Stream.of(ThreadKind.values()).map(k -> Arguments.of(b, k)));
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void sslmodeRequireIsTlsAndRunsQueries(Backend backend) throws Exception {
        IoScheduler io = schedulers.get(backend);
        long before = io.stats().completions();
        String table = "tls_rows_" + backend.name().toLowerCase(Locale.ROOT);
        int rows = 2_000;
        try (Connection c = connectTls(backend); Statement st = c.createStatement()) {
            assertEquals("TLSv1.3", tlsVersion(c));
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text NOT NULL)");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row-" + i + "-" + "y".repeat(i % 70));
                    insert.addBatch();
                }
                for (int n : insert.executeBatch()) {
                    assertEquals(1, n);
                }
            }
            c.commit();
            c.setAutoCommit(true);
            try (ResultSet rs = st.executeQuery("SELECT id, name FROM " + table + " ORDER BY id")) {
                int expected = 0;
                while (rs.next()) {
                    assertEquals(expected, rs.getInt(1));
                    assertEquals("row-" + expected + "-" + "y".repeat(expected % 70), rs.getString(2));
                    expected++;
                }
                assertEquals(rows, expected);
            }
            st.execute("DROP TABLE " + table);
            // a 4 MiB value sent twice and returned once: hundreds of TLS records each way
            String big = "0123456789abcdef".repeat(1 << 18);
            try (PreparedStatement q = c.prepareStatement("SELECT ?::text || 'z', md5(?)")) {
                q.setString(1, big);
                q.setString(2, big);
                try (ResultSet rs = q.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(big + "z", rs.getString(1));
                    assertEquals(md5Hex(big), rs.getString(2));
                }
            }
        }
        assertTrue(io.stats().completions() > before, () -> "no await completed on " + io);
    }

    /** verify-full against the cluster's own certificate: the driver checks it and the host name. */
    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void sslmodeVerifyFullTrustsTheClustersCertificate(Backend backend) throws Exception {
        Properties p = new Properties();
        p.setProperty("sslrootcert", server.dir.resolve("server.crt").toString());
        try (Connection c = connect(backend, "verify-full", p)) {
            assertEquals("TLSv1.3", tlsVersion(c));
        }
    }

    /** The same with another certificate as the root: the handshake fails, so verification is on. */
    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void sslmodeVerifyFullRefusesACertificateItDoesNotTrust(Backend backend, @TempDir Path dir) throws Exception {
        schedulers.get(backend); // a backend this machine cannot run skips the test here, not inside assertThrows
        Path other = dir.resolve("other.crt");
        Files.writeString(other, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(SelfSignedTls.get().certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        Properties p = new Properties();
        p.setProperty("sslrootcert", other.toString());
        SQLException e = assertThrows(SQLException.class, () -> connect(backend, "verify-full", p).close());
        Throwable cause = e;
        while (cause != null && !(cause instanceof SSLHandshakeException)) {
            cause = cause.getCause();
        }
        assertNotNull(cause, () -> "no SSLHandshakeException under " + e);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void sslmodeDisableIsNotTls(Backend backend) throws Exception {
        try (Connection c = connect(backend, "disable", new Properties())) {
            assertNull(tlsVersion(c));
        }
    }

    @ParameterizedTest(name = "{0}, {1} threads")
    @MethodSource("backendsAndThreads")
    void tenTlsConnectionsFromEachKindOfThread(Backend backend, ThreadKind kind) throws Exception {
        ThreadFactory threads = kind.factory(schedulers.get(backend));
        List<CompletableFuture<Integer>> pids = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            int id = t;
            pids.add(OnThread.start(threads, () -> {
                kind.assertCurrent();
                try (Connection c = connectTls(backend)) {
                    assertEquals("TLSv1.3", tlsVersion(c));
                    return JavaNetPostgresTest.twentyRounds(c, id, 1_000);
                }
            }));
        }
        Set<Integer> distinct = new HashSet<>();
        for (CompletableFuture<Integer> pid : pids) {
            distinct.add(TlsPair.get(pid, Duration.ofSeconds(60), "a TLS connection's queries"));
        }
        assertEquals(10, distinct.size(), "one server backend per connection");
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void socketTimeoutIsTheReadTimeoutUnderTls(Backend backend) throws Exception {
        Properties p = new Properties();
        p.setProperty("socketTimeout", "1");
        try (Connection c = connect(backend, "require", p); Statement st = c.createStatement()) {
            assertEquals("TLSv1.3", tlsVersion(c));
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT pg_sleep(5)"));
            Throwable cause = e;
            while (cause != null && !(cause instanceof SocketTimeoutException)) {
                cause = cause.getCause();
            }
            assertNotNull(cause, () -> "no SocketTimeoutException under " + e);
        }
    }

    private static String md5Hex(String s) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(d);
    }
}
