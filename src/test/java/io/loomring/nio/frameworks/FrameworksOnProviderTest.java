package io.loomring.nio.frameworks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.loomring.Backend;
import io.loomring.TestBackends;
import io.loomring.net.TestServers;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * Real servers and clients (the JDK's HttpServer and HttpClient, Jetty 12.1, Helidon 4 SE, Tomcat 11
 * embedded), each in a child JVM of its own, on the JDK's default
 * {@link java.nio.channels.spi.SelectorProvider} and on Loomring's
 * ({@code -Djava.nio.channels.spi.SelectorProvider=io.loomring.nio.LoomringSelectorProvider}) with
 * each backend (and on the JDK's poll(2) provider, named the same way). The programs
 * ({@link JdkHttpServerRun}, {@link JettyRun}, {@link HelidonRun}, {@link TomcatRun}) check every
 * answer themselves and print one result line naming the provider they ran on; this test checks
 * that line and that the provider was the one asked for.
 *
 * <p>One throwaway PostgreSQL serves the whole class where it can be started
 * ({@link TestServers}): every child gets its port ({@code frameworks.pgPort}), so its servers
 * answer {@code GET /db} from a table through a pool of pgjdbc connections (under the launcher, on
 * Loomring's {@code java.net} sockets), and its result line must count some such requests. Where
 * PostgreSQL is unavailable the children run without that route and the rest is checked as ever.
 *
 * <p>Loomring's cases are skipped while its provider is not on the class path, and the io_uring
 * case where io_uring cannot start here.
 */
class FrameworksOnProviderTest {
    static final String LOOMRING_PROVIDER = "io.loomring.nio.LoomringSelectorProvider";
    /** The child's own limit is 90 s (FrameworkRun); this one only catches a child that ignores it. */
    private static final long CHILD_LIMIT_SECONDS = 120;

    /** Which provider a child runs on: the property's value (none: the JDK's default) and backend. */
    enum Provider {
        /** No property: the JDK's default (epoll on Linux). */
        JDK(null, null),
        /**
         * The JDK's poll(2) provider, named by the property as Loomring's is: the property path and
         * the check of the provider that was used, on a provider that exists today.
         */
        JDK_POLL("sun.nio.ch.PollSelectorProvider", null),
        LOOMRING_IO_URING(LOOMRING_PROVIDER, Backend.IO_URING),
        LOOMRING_EPOLL(LOOMRING_PROVIDER, Backend.EPOLL),
        /** Under Loomring's launcher, which installs the provider itself and carries main. */
        LAUNCHER_IO_URING(LOOMRING_PROVIDER, Backend.IO_URING, true),
        LAUNCHER_EPOLL(LOOMRING_PROVIDER, Backend.EPOLL, true),
        /** Under the launcher with {@code loomring.adoptVirtualThreads=true}; Helidon only (see {@link #runs}). */
        LAUNCHER_ADOPTING(LOOMRING_PROVIDER, Backend.IO_URING, true, true);

        final String property;
        final Backend backend;
        final boolean launcher;
        final boolean adopting;

        Provider(String property, Backend backend) {
            this(property, backend, false, false);
        }

        Provider(String property, Backend backend, boolean launcher) {
            this(property, backend, launcher, false);
        }

        Provider(String property, Backend backend, boolean launcher, boolean adopting) {
            this.property = property;
            this.backend = backend;
            this.launcher = launcher;
            this.adopting = adopting;
        }
    }

    /**
     * The programs whose handlers run on carried threads under the launcher: those whose request
     * threads are virtual threads started by virtual threads (Jetty's virtual-thread pool, whose
     * acceptor and selectors are virtual too, started by the carried main). Helidon (its accept
     * loop), the JDK's HttpServer (its dispatcher) and Tomcat (its Poller) start theirs from a
     * platform thread, so they get the JDK's default scheduler (the launcher does not adopt them
     * unless asked to).
     */
    private static final Set<Class<?>> CARRIED_UNDER_LAUNCHER = Set.of(JettyRun.class);

    /** The class's PostgreSQL, or null where it could not be started (see {@link #noPostgres}). */
    private static TestServers.Server postgres;
    /** Why there is no PostgreSQL, for the failure messages. */
    private static String noPostgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        try {
            postgres = TestServers.postgres();
        } catch (TestAbortedException e) {
            // Unavailable here: not a reason to skip the frameworks, only their /db route.
            noPostgres = e.getMessage();
        }
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (Class<?> program : List.of(JdkHttpServerRun.class, JettyRun.class, HelidonRun.class, TomcatRun.class)) {
            for (Provider provider : Provider.values()) {
                // Adoption matters where a platform thread starts long-lived virtual threads.
                if (provider != Provider.LAUNCHER_ADOPTING || program == HelidonRun.class) {
                    runs.add(Arguments.of(program.getSimpleName(), provider));
                }
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("runs")
    void answersEveryRequest(String program, Provider provider, @TempDir Path dir) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (provider.backend != null) {
            Assumptions.assumeTrue(loomringProviderPresent(),
                    LOOMRING_PROVIDER + " is not on the class path yet");
            TestBackends.assumeAvailable(provider.backend);
            command.add("-Dloomring.backend=" + provider.backend.name().toLowerCase(Locale.ROOT));
        }
        if (provider.property != null && !provider.launcher) {
            command.add("-D" + FrameworkRun.PROVIDER_PROPERTY + "=" + provider.property);
        }
        if (postgres != null) {
            command.add("-D" + WorldTable.PORT_PROPERTY + "=" + postgres.port);
        }
        if (provider.adopting) {
            command.add("-Dloomring.adoptVirtualThreads=true");
        }
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        if (provider.launcher) {
            command.add("io.loomring.launch.Launch");
        }
        command.add(FrameworksOnProviderTest.class.getPackageName() + "." + program);

        String output = run(command, dir.resolve("output.txt").toFile());
        String pass = output.lines().filter(l -> l.startsWith("PASS ")).findFirst()
                .orElseGet(() -> fail(program + " printed no PASS line:\n" + output));
        String ranOn = pass.replaceAll(".* provider=(\\S+) .*", "$1");
        if (provider.property == null) {
            assertTrue(ranOn.startsWith("sun.nio.ch."), "expected the JDK's own provider:\n" + output);
        } else {
            assertEquals(provider.property, ranOn, "ran on another provider than asked for:\n" + output);
        }
        int requests = Integer.parseInt(pass.replaceAll(".* requests=(\\d+) .*", "$1"));
        int carried = Integer.parseInt(pass.replaceAll(".* handlersCarried=(\\d+) .*", "$1"));
        int released = Integer.parseInt(pass.replaceAll(".* handlersReleased=(\\d+) .*", "$1"));
        int dbRequests = Integer.parseInt(pass.replaceAll(".* dbRequests=(\\d+) .*", "$1"));
        if (postgres != null) {
            assertTrue(dbRequests > 0, "no /db request was sent and checked:\n" + output);
        } else {
            assertEquals(0, dbRequests, "/db requests without PostgreSQL (" + noPostgres + "):\n" + output);
        }
        boolean allCarried = provider.launcher
                && CARRIED_UNDER_LAUNCHER.stream().anyMatch(c -> c.getSimpleName().equals(program));
        // A carried handler thread that computed for long (a slow machine's first requests, class
        // loading) is released to the JDK's scheduler on purpose: it counts as served by Loomring,
        // but most handlers must stay carried.
        if (provider.adopting) {
            // Helidon's connection threads wait for each next request on their connection: carried
            // from their first wait, so from the second request on.
            assertTrue(carried + released >= requests / 2, "handlers on adopted threads:\n" + output);
        } else {
            assertEquals(allCarried ? requests : 0, carried + released,
                    "handlers on carried or released threads:\n" + output);
        }
        if (allCarried) {
            assertTrue(carried >= requests * 9 / 10, "most handlers should stay carried:\n" + output);
        }
        if (provider.launcher) {
            assertTrue(output.contains("loomring: running io.loomring.nio.frameworks." + program
                    + " on a carried virtual thread"), "the launcher's report:\n" + output);
        }
    }

    /** Runs the child, output and errors into {@code log}; its output, or a failure carrying it. */
    private static String run(List<String> command, File log) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
        boolean exited;
        try {
            exited = child.waitFor(CHILD_LIMIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        String shown = "\n$ " + String.join(" ", command) + "\n" + output;
        if (!exited) {
            fail("the child did not exit within " + CHILD_LIMIT_SECONDS + " s and was killed:" + shown);
        }
        assertEquals(0, child.exitValue(), "the child failed:" + shown);
        return output;
    }

    static boolean loomringProviderPresent() {
        try {
            Class.forName(LOOMRING_PROVIDER, false, FrameworksOnProviderTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
