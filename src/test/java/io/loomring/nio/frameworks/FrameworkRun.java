package io.loomring.nio.frameworks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the framework programs share: a hard time limit, the provider they ran on, the load (many
 * connections, a few thousand requests, every answer checked) and the one result line.
 *
 * <p>Every server answers the same routes:
 * <ul>
 *   <li>{@code GET /hello?n=N}: 200, {@code Hello, World! N} in plain text;</li>
 *   <li>{@code POST /echo}: 200, the request body;</li>
 *   <li>{@code GET /db?id=N}, only while {@code frameworks.pgPort} is set: 200,
 *       {@code id=N randomnumber=M} in plain text, row N of a PostgreSQL table read through a
 *       pool of pgjdbc connections ({@link WorldTable});</li>
 *   <li>anything else: 404.</li>
 * </ul>
 * The server side records, per request, whether its handler ran on a virtual thread and which
 * client address (so which connection) it came from.
 *
 * <p>Settings (system properties): {@code frameworks.requests} (default 3000),
 * {@code frameworks.concurrency} (requests in flight, default 48), {@code frameworks.timeoutSeconds}
 * (the whole program's limit, default 90), {@code frameworks.pgPort} (a PostgreSQL server on
 * 127.0.0.1 for the {@code /db} route; none: no such route and no such requests).
 */
final class FrameworkRun {
    static final int REQUESTS = Integer.getInteger("frameworks.requests", 3000);
    static final int CONCURRENCY = Integer.getInteger("frameworks.concurrency", 48);
    static final Duration TIMEOUT = Duration.ofSeconds(Integer.getInteger("frameworks.timeoutSeconds", 90));
    /** A request's own limit: far below the program's, so a lost answer names its request. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";

    /**
     * One client call: method, path (with query), body or null; the answer's status and body. The
     * load closes the client at its end (its connections with it).
     */
    @FunctionalInterface
    interface Client extends AutoCloseable {
        Answer call(String method, String path, byte[] body) throws Exception;

        @Override
        default void close() throws Exception {}
    }

    record Answer(int status, byte[] body) {}

    private final String name;
    private final long started = System.nanoTime();
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicInteger onVirtualThreads = new AtomicInteger();
    private final AtomicInteger onCarriers = new AtomicInteger();
    private final AtomicInteger onReleased = new AtomicInteger();
    /** Loomring's provider runs here (so asking whether a thread is carried starts nothing new). */
    private final boolean loomring = provider().startsWith("io.loomring.");
    /** The sockets open before the servers started: the JVM's own, which may stay. */
    private final Set<String> socketsBefore = OpenSockets.beforeStart();
    private final Set<String> peers = ConcurrentHashMap.newKeySet();
    /** The {@code /db} route's table and pool, or null while no PostgreSQL was named. */
    private WorldTable world;
    /** The {@code /db} answers the client checked. */
    private final AtomicInteger dbRequests = new AtomicInteger();

    /**
     * Starts the hard time limit (a thread dump and exit status 2 when it passes) and checks that
     * the JDK took the provider the command line named.
     */
    FrameworkRun(String name) {
        this.name = name;
        Thread watchdog = Thread.ofPlatform().daemon().name("frameworks-time-limit").unstarted(() -> {
            try {
                Thread.sleep(TIMEOUT);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("FAIL " + name + ": did not finish within " + TIMEOUT.toSeconds() + " s; threads:");
            dumpThreads(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(2);
        });
        watchdog.start();
        String asked = System.getProperty(PROVIDER_PROPERTY);
        if (asked != null && !asked.equals(provider())) {
            fail("asked for provider " + asked + " but SelectorProvider.provider() is " + provider());
        }
    }

    /** The class of the provider this JVM runs on. */
    static String provider() {
        return SelectorProvider.provider().getClass().getName();
    }

    /** The answer to {@code GET /hello?n=N}. */
    static byte[] hello(String n) {
        return ("Hello, World! " + n).getBytes(StandardCharsets.US_ASCII);
    }

    /** The request body of request {@code i} when it is an echo: 1 byte to 32 KiB, its bytes depending on i. */
    static byte[] payload(int i) {
        int length = 1 + (int) ((i * 7919L) % (32 * 1024));
        byte[] b = new byte[length];
        for (int k = 0; k < length; k++) {
            b[k] = (byte) ('a' + (k + i) % 26);
        }
        return b;
    }

    /** Whether the servers have the {@code /db} route (a PostgreSQL server was named). */
    boolean hasDb() {
        return world != null;
    }

    /** The answer to {@code GET /db?id=N}, {@code id} the parameter's value (see {@link WorldTable#answer}). */
    Answer db(String id) {
        return world.answer(id);
    }

    /**
     * Whether {@code thread} is a carried thread that the scheduler released after it computed for
     * long: it runs on the JDK's scheduler through Loomring's released-thread scheduler, which the
     * thread's own scheduler field names (the child runs with {@code --add-opens java.base/java.lang}).
     */
    private static boolean releasedByLoomring(Thread thread) {
        if (!thread.isVirtual()) {
            return false;
        }
        try {
            java.lang.reflect.Field field = thread.getClass().getDeclaredField("scheduler");
            field.setAccessible(true);
            Object scheduler = field.get(thread);
            return scheduler != null && scheduler.getClass().getName().equals("io.loomring.ReleasedScheduler");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** The server side calls this once per request, from the thread that runs its handler. */
    void served(SocketAddress peer) {
        handled.incrementAndGet();
        if (Thread.currentThread().isVirtual()) {
            onVirtualThreads.incrementAndGet();
        }
        if (loomring && io.loomring.IoScheduler.shared().carriesCurrentThread()) {
            onCarriers.incrementAndGet();
        } else if (loomring && releasedByLoomring(Thread.currentThread())) {
            onReleased.incrementAndGet();
        }
        if (peer instanceof InetSocketAddress a) {
            peers.add(a.getAddress().getHostAddress() + ":" + a.getPort());
        } else {
            peers.add(String.valueOf(peer));
        }
    }

    /**
     * Sends {@link #REQUESTS} requests from {@link #CONCURRENCY} virtual threads through
     * {@code client} and checks every answer: about one in four is an echo of up to 32 KiB, one in
     * fifty asks for a missing path, one in eight reads a row of the table when there is one
     * ({@link #hasDb}), the rest say hello with their number.
     */
    void load(Client client) throws Exception {
        try (client) {
            send(client);
        }
    }

    private void send(Client client) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CONCURRENCY; t++) {
            threads.add(Thread.ofVirtual().name("client-", t).start(() -> {
                for (int i = next.getAndIncrement(); i < REQUESTS && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        exchange(client, i);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, new AssertionError("request " + i + ": " + e, e));
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            failure.get().printStackTrace(System.out);
            fail(failure.get().getMessage());
        }
    }

    private void exchange(Client client, int i) throws Exception {
        if (i % 50 == 49) {
            Answer a = client.call("GET", "/missing/" + i, null);
            expect(a.status() == 404, "GET /missing: status " + a.status() + ", expected 404");
        } else if (i % 4 == 3) {
            byte[] sent = payload(i);
            Answer a = client.call("POST", "/echo", sent);
            expect(a.status() == 200, "POST /echo: status " + a.status());
            expect(Arrays.equals(sent, a.body()), "POST /echo of " + sent.length + " bytes came back as "
                    + a.body().length + " other bytes");
        } else if (i % 8 == 5 && hasDb()) {
            int id = 1 + (i / 8) % WorldTable.ROWS; // every row in turn
            Answer a = client.call("GET", "/db?id=" + id, null);
            byte[] expected = WorldTable.body(id, WorldTable.randomNumber(id));
            expect(a.status() == 200 && Arrays.equals(expected, a.body()), "GET /db?id=" + id + ": status "
                    + a.status() + ", answered '" + new String(a.body(), StandardCharsets.UTF_8) + "'");
            dbRequests.incrementAndGet();
        } else {
            Answer a = client.call("GET", "/hello?n=" + i, null);
            expect(a.status() == 200, "GET /hello: status " + a.status());
            byte[] expected = hello(String.valueOf(i));
            expect(Arrays.equals(expected, a.body()), "GET /hello?n=" + i + " answered '"
                    + new String(a.body(), StandardCharsets.ISO_8859_1) + "'");
        }
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    /**
     * Prints the result line and exits 0, after checking the server's side: every request was
     * handled, each on a virtual thread, over more than one connection, and every checked
     * {@code /db} answer came from a query; and that the framework shut down cleanly: within 10 s
     * of its stop no socket it opened is open and none of its threads that would keep the JVM up
     * is alive. The pool's connections are closed first: theirs are sockets this run opened too.
     */
    void pass() {
        int queries = 0;
        if (world != null) {
            queries = world.queries();
            try {
                world.close();
            } catch (Exception e) {
                e.printStackTrace(System.out);
                fail("closing the database pool: " + e);
            }
        }
        if (queries != dbRequests.get()) {
            fail("the client checked " + dbRequests.get() + " /db answers, the server ran " + queries + " queries");
        }
        int h = handled.get();
        int v = onVirtualThreads.get();
        if (h != REQUESTS) {
            fail("the server handled " + h + " requests, the client sent " + REQUESTS);
        }
        if (v != h) {
            fail("only " + v + " of " + h + " handlers ran on virtual threads");
        }
        if (peers.size() < Math.min(4, CONCURRENCY)) {
            fail("all requests came over " + peers.size() + " connection(s)");
        }
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        String left = OpenSockets.awaitClosed(socketsBefore, Duration.ofSeconds(10));
        if (left != null) {
            fail("sockets left open after the stop: " + left);
        }
        String alive = OpenSockets.awaitNoNonDaemonThreads(Duration.ofSeconds(10));
        if (alive != null) {
            fail("threads that keep the JVM up are alive after the stop: " + alive);
        }
        System.out.println("PASS " + name + ": provider=" + provider() + " requests=" + h + " connections="
                + peers.size() + " handlersOnVirtualThreads=" + v + " handlersCarried=" + onCarriers.get()
                + " handlersReleased=" + onReleased.get()
                + " dbRequests=" + dbRequests.get() + " ms=" + ms);
        System.out.flush();
        System.exit(0);
    }

    /** Prints why and exits 1 (servers' non-daemon threads do not keep the JVM up). */
    void fail(String why) {
        System.out.println("FAIL " + name + ": provider=" + provider() + ": " + why);
        System.out.flush();
        System.exit(1);
    }

    /** Runs {@code body}; any exception fails the run with its stack trace. */
    static void main(String name, Body body) {
        FrameworkRun run = new FrameworkRun(name);
        try {
            run.world = WorldTable.fromProperty(); // before the servers: their handlers read it
            body.run(run);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            run.fail(e.toString());
        }
        run.pass();
    }

    @FunctionalInterface
    interface Body {
        void run(FrameworkRun run) throws Exception;
    }

    private static void dumpThreads(PrintStream out) {
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            out.print(t);
        }
    }
}
