package io.loomring.nio.frameworks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The database side of the {@code GET /db?id=N} route: a {@code world} table of {@value #ROWS}
 * rows in a PostgreSQL server (pgjdbc, user {@code postgres}, trust authentication), and a fixed
 * pool of {@value #POOL_SIZE} connections the server's handlers borrow, one query each. A handler
 * that blocks on the pool or on the database does so on its virtual thread; under Loomring's
 * launcher the driver's sockets are Loomring's, so this route puts pgjdbc's blocking reads on
 * Loomring's sockets next to the framework's.
 *
 * <p>Made only when {@code frameworks.pgPort} names the server's port on 127.0.0.1; without it the
 * programs leave the route out and run without PostgreSQL.
 */
final class WorldTable implements AutoCloseable {
    static final String PORT_PROPERTY = "frameworks.pgPort";
    static final int ROWS = 100;
    static final int POOL_SIZE = 8;
    private static final String QUERY = "SELECT id, randomnumber FROM world WHERE id = ?";

    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(POOL_SIZE);
    private final List<Connection> all = new ArrayList<>();
    private final AtomicInteger queries = new AtomicInteger();

    /** The table for this run, or null when {@value #PORT_PROPERTY} is not set. */
    static WorldTable fromProperty() throws SQLException {
        String port = System.getProperty(PORT_PROPERTY);
        return port == null ? null : new WorldTable(Integer.parseInt(port));
    }

    /**
     * (Re)creates and fills the table, then opens the pool. The table is dropped first, so a run
     * never reads another run's rows.
     */
    private WorldTable(int port) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "10");
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("DROP TABLE IF EXISTS world");
            s.execute("CREATE TABLE world (id int PRIMARY KEY, randomnumber int NOT NULL)");
            s.execute("INSERT INTO world SELECT g, g * 7 % 10000 FROM generate_series(1, " + ROWS + ") g");
            c.commit();
        }
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                Connection c = DriverManager.getConnection(url, p);
                all.add(c);
                idle.add(c);
            }
        } catch (SQLException e) {
            close(); // the ones already open must not outlive the failure
            throw e;
        }
    }

    /** The random number row {@code id} holds. */
    static int randomNumber(int id) {
        return id * 7 % 10000;
    }

    /** The body of the answer to {@code GET /db?id=N}. */
    static byte[] body(int id, int randomNumber) {
        return ("id=" + id + " randomnumber=" + randomNumber).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The answer to {@code GET /db?id=N}, {@code id} the query parameter's value: 200 and the row,
     * 404 for an id with no row, 400 for one that is no number, or 500 with the exception when the
     * pool or the database failed (printed too, so the run's output shows its stack). Never throws:
     * every framework answers the same whatever its own handling of a handler's exception.
     */
    FrameworkRun.Answer answer(String id) {
        int n;
        try {
            n = Integer.parseInt(id);
        } catch (NumberFormatException e) {
            return new FrameworkRun.Answer(400, new byte[0]);
        }
        try {
            Connection c = idle.poll(FrameworkRun.REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (c == null) {
                throw new IllegalStateException("no pooled connection came free within "
                        + FrameworkRun.REQUEST_TIMEOUT.toSeconds() + " s");
            }
            try {
                return query(c, n);
            } finally {
                idle.add(c);
            }
        } catch (Exception e) {
            e.printStackTrace(System.out);
            return new FrameworkRun.Answer(500, e.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private FrameworkRun.Answer query(Connection c, int id) throws SQLException {
        // pgjdbc keeps the server-side statement per connection (by its SQL), so preparing it per
        // request parses it once per connection only.
        try (PreparedStatement s = c.prepareStatement(QUERY)) {
            s.setInt(1, id);
            try (ResultSet r = s.executeQuery()) {
                queries.incrementAndGet();
                if (!r.next()) {
                    return new FrameworkRun.Answer(404, new byte[0]);
                }
                return new FrameworkRun.Answer(200, body(r.getInt(1), r.getInt(2)));
            }
        }
    }

    /** The queries that ran to their result. */
    int queries() {
        return queries.get();
    }

    /**
     * Closes every pooled connection (so their sockets are closed before the run checks that
     * nothing the servers opened is left). The load is over by then: none is borrowed.
     */
    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        all.clear();
        idle.clear();
        if (first != null) {
            throw first;
        }
    }
}
