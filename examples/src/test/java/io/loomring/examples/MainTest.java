package io.loomring.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.examples.http.HttpHandler;
import io.loomring.examples.resp.RespHandler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line: options, errors, and the line printed once a server listens. */
class MainTest {

    @Test
    void rejectsBadCommandLines() {
        assertThrows(IllegalArgumentException.class, Main::start);
        assertThrows(IllegalArgumentException.class, () -> Main.start("nope", "--port", "0"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port", "70000"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port", "x"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port", "0", "--backend", "kqueue"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port", "0", "--bogus", "1"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port", "0", "--host", "nosuch.invalid"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port", "0", "--mode", "selector"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("echo", "--port", "0", "--carriers", "0"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("http", "--port", "0", "--carriers", "two"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("http", "--port", "0", "--io", "fast"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("http", "--port", "0", "--sub-pollers", "-1"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("http", "--port", "0", "--sub-pollers", "1025"));
        assertThrows(IllegalArgumentException.class,
                () -> Main.start("selector-vs-threads", "--port", "0", "--mode", "fibers"));
    }

    @Test
    void rejectsBadTimeouts() {
        assertEquals("--idle-timeout must be in 0..86400 seconds: -1", assertThrows(IllegalArgumentException.class,
                () -> Main.start("http", "--port", "0", "--idle-timeout", "-1")).getMessage());
        assertEquals("--request-timeout must be a whole number of seconds: '1.5'", assertThrows(
                IllegalArgumentException.class,
                () -> Main.start("resp", "--port", "0", "--request-timeout", "1.5")).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Main.start("resp", "--port", "0", "--idle-timeout", "86401"));
        assertThrows(IllegalArgumentException.class, () -> Main.start("http", "--port", "0", "--request-timeout"));
        // Only http and resp have timeouts: elsewhere the flag would be silently ignored.
        assertEquals("--request-timeout and --idle-timeout apply to http and resp, not echo", assertThrows(
                IllegalArgumentException.class,
                () -> Main.start("echo", "--port", "0", "--idle-timeout", "5")).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Main.start("selector-vs-threads", "--port", "0", "--request-timeout", "5"));
    }

    @Test
    void timeoutsNotGivenAreTheExamplesDefaults() {
        ServerConfig none = ServerConfig.parse(new String[] {"--port", "0"});
        assertEquals(HttpHandler.DEFAULT_TIMEOUTS, none.timeouts(HttpHandler.DEFAULT_TIMEOUTS));
        assertEquals(new ReadTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60)), HttpHandler.DEFAULT_TIMEOUTS);
        assertEquals(new ReadTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(300)), RespHandler.DEFAULT_TIMEOUTS);
        ServerConfig idle = ServerConfig.parse(new String[] {"--port", "0", "--idle-timeout", "0"});
        assertEquals(new ReadTimeouts(Duration.ofSeconds(10), Duration.ZERO),
                idle.timeouts(RespHandler.DEFAULT_TIMEOUTS));
        ServerConfig both = ServerConfig.parse(new String[] {"--port", "0", "--request-timeout", "3",
                "--idle-timeout", "86400"});
        assertEquals(new ReadTimeouts(Duration.ofSeconds(3), Duration.ofDays(1)),
                both.timeouts(HttpHandler.DEFAULT_TIMEOUTS));
    }

    @Test
    void parsesEveryOption() {
        ServerConfig c = ServerConfig.parse(new String[] {"--host", "::1", "--port", "6379", "--backend", "epoll",
                "--mode", "selector", "--carriers", "3", "--io", "readiness", "--sub-pollers", "0",
                "--request-timeout", "5", "--idle-timeout", "0"});
        assertEquals(new ServerConfig("::1", 6379, Backend.EPOLL, "selector", 3, true, 0, Duration.ofSeconds(5),
                Duration.ZERO), c);
        assertEquals(ServerConfig.loopback(7, Backend.AUTO), ServerConfig.parse(new String[] {"--port", "7"}));
    }

    @Test
    void readyLineNamesTheActualPortAndBackend() throws Exception {
        try (ExampleServer server = Main.start("echo", "--port", "0")) {
            String line = Main.readyLine("echo", server);
            int port = server.localAddress().getPort();
            assertTrue(port > 0);
            assertEquals("echo listening on 127.0.0.1:" + port + " (" + server.engine() + ")", line);
            assertTrue(server.engine().equals("io_uring") || server.engine().equals("epoll"), server.engine());
        }
    }
}
