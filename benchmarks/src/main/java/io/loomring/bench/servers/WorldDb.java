package io.loomring.bench.servers;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The framework servers' {@code GET /db} route (given {@code --pg-port N}): one row of a
 * {@code world} table of {@value #ROWS} rows, picked at random per request, read with a prepared
 * statement through a fixed pool of {@value #POOL_SIZE} pgjdbc connections to PostgreSQL on
 * 127.0.0.1 (user {@code postgres}, trust authentication), and answered as
 * {@code id=N randomnumber=M} in plain text. A handler waits for a free connection and for the
 * database on its virtual thread, so the route puts the driver's blocking socket reads (Loomring's
 * sockets under the launcher) beside the framework's own. The pool lives as long as the server.
 *
 * <p>{@code java -cp benchmarks.jar io.loomring.bench.servers.WorldDb create PORT} (re)creates and
 * fills the table, for run-db.sh where psql is not installed.
 */
public final class WorldDb {
    /** The table's rows, ids 1 to ROWS. */
    public static final int ROWS = 100;
    /** Connections in the pool: far fewer than the load's connections, as in a real service. */
    static final int POOL_SIZE = 16;
    /** How long a request waits for a pooled connection before it fails (500). */
    private static final long BORROW_SECONDS = 10;

    /** A pooled connection and its statement, prepared once: a request only binds and runs it. */
    private record Pooled(Connection connection, PreparedStatement query) {}

    private final BlockingQueue<Pooled> idle = new ArrayBlockingQueue<>(POOL_SIZE);

    private WorldDb() {}

    /** The pool, its connections open, for the server on {@code port}. */
    static WorldDb open(int port) throws SQLException {
        WorldDb db = new WorldDb();
        for (int i = 0; i < POOL_SIZE; i++) {
            Connection c = connect(port);
            db.idle.add(new Pooled(c, c.prepareStatement("SELECT id, randomnumber FROM world WHERE id = ?")));
        }
        return db;
    }

    private static Connection connect(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    /**
     * The body of one {@code GET /db} answer: a random row. Any failure (no connection free in
     * time, a database error, a missing row) is an unchecked exception, which every framework
     * answers with a 500 that the load generator counts.
     */
    byte[] randomRow() {
        int id = ThreadLocalRandom.current().nextInt(1, ROWS + 1);
        Pooled p;
        try {
            p = idle.poll(BORROW_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a pooled connection", e);
        }
        if (p == null) {
            throw new IllegalStateException("no pooled connection came free within " + BORROW_SECONDS + " s");
        }
        try {
            p.query().setInt(1, id);
            try (ResultSet r = p.query().executeQuery()) {
                if (!r.next()) {
                    throw new IllegalStateException("no row " + id + " in table world");
                }
                return ("id=" + r.getInt(1) + " randomnumber=" + r.getInt(2)).getBytes(StandardCharsets.US_ASCII);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SELECT of row " + id + " failed", e);
        } finally {
            idle.add(p);
        }
    }

    /** {@code create PORT}: drops, creates and fills the table, randomnumber = id * 7 % 10000. */
    public static void main(String[] args) throws SQLException {
        if (args.length != 2 || !args[0].equals("create")) {
            throw new IllegalArgumentException("usage: WorldDb create PORT");
        }
        try (Connection c = connect(Integer.parseInt(args[1])); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("DROP TABLE IF EXISTS world");
            s.execute("CREATE TABLE world (id int PRIMARY KEY, randomnumber int NOT NULL)");
            s.execute("INSERT INTO world SELECT g, g * 7 % 10000 FROM generate_series(1, " + ROWS + ") g");
            c.commit();
        }
    }
}
