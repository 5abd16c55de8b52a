package io.loomring.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.examples.RespClient.Status;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RESP server's {@code --request-timeout} and {@code --idle-timeout}, with one-second limits,
 * on both backends and both thread modes. Each wait for the server is bounded: without the
 * timeouts these connections would stay open for ever.
 */
@Timeout(60)
class RespTimeoutsTest {
    /** Far above the one-second limits, for a busy two-core machine; far below "for ever". */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void halfACommandIsDisconnected(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "1", "--idle-timeout", "30");
             RespClient half = new RespClient(server.localAddress());
             RespClient quiet = new RespClient(server.localAddress())) {
            long began = System.nanoTime();
            half.send("*2\r\n$3\r\nGET\r\n$1"); // and nothing more
            assertTimeoutPreemptively(BOUND, () -> assertTrue(half.isClosedByServer()));
            assertTrue(elapsedMillis(began) >= 900, "closed before the timeout: " + elapsedMillis(began) + " ms");
            await().atMost(BOUND).until(() -> connections(server) == 1); // its fd is closed
            // A new connection that has sent nothing is idle, not late: pooled clients open theirs early.
            assertEquals(new Status("PONG"), quiet.call("PING"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void anIdleConnectionIsClosed(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "30", "--idle-timeout", "1");
             RespClient c = new RespClient(server.localAddress())) {
            assertEquals(new Status("PONG"), c.call("PING"));
            long answered = System.nanoTime();
            assertTimeoutPreemptively(BOUND, () -> assertTrue(c.isClosedByServer()));
            assertTrue(elapsedMillis(answered) >= 900, "closed before the timeout: " + elapsedMillis(answered) + " ms");
            await().atMost(BOUND).until(() -> connections(server) == 0);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void aConnectionThatKeepsSendingCommandsStaysOpen(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "1", "--idle-timeout", "1");
             RespClient c = new RespClient(server.localAddress())) {
            // Each command arrives in two halves and each is followed by a pause, all well within
            // one second, but together several seconds: the limits apply to each wait, not to the
            // connection's life. (Sleeps here pace the client; they wait for nothing.)
            long began = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                c.send("*2\r\n$4\r\nINCR\r\n");
                Thread.sleep(300);
                c.send("$1\r\nn\r\n");
                assertEquals(i + 1L, c.read());
                Thread.sleep(300);
            }
            assertTrue(elapsedMillis(began) > 2500);
            assertEquals("5", c.call("GET", "n"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.examples.Backends#backendsAndModes")
    void zeroMeansNoLimit(Backend backend, String mode) throws Exception {
        try (ExampleServer server = start(backend, mode, "--request-timeout", "0", "--idle-timeout", "0");
             RespClient half = new RespClient(server.localAddress());
             RespClient idle = new RespClient(server.localAddress())) {
            half.send("*1\r\n$4\r\nPI");
            assertEquals(new Status("PONG"), idle.call("PING"));
            // Two seconds, twice the limit the tests above use: neither connection hears anything.
            half.setSoTimeout(2000);
            assertThrows(SocketTimeoutException.class, half::read);
            idle.setSoTimeout(100);
            assertThrows(SocketTimeoutException.class, idle::read);
            assertEquals(2, connections(server));
            // And both are still served.
            half.setSoTimeout(30_000);
            half.send("NG\r\n");
            assertEquals(new Status("PONG"), half.read());
            assertEquals(new Status("PONG"), idle.call("PING"));
        }
    }

    private static ExampleServer start(Backend backend, String mode, String... timeouts) throws IOException {
        String[] args = new String[timeouts.length + 2];
        args[0] = "--mode";
        args[1] = mode;
        System.arraycopy(timeouts, 0, args, 2, timeouts.length);
        return Backends.start("resp", backend, args);
    }

    private static int connections(ExampleServer server) {
        return ((LoomringServer) server).connectionCount();
    }

    private static long elapsedMillis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
