package io.loomring.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.IoScheduler;
import io.loomring.OnThread;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multishot accepts ({@code multishotAccept(true)}): the kernel accepts connections as they come,
 * while no thread accepts, and accepts take them in order, each exactly once, whatever their
 * timeouts, interrupts and the listening socket's close; a socket that does not accept holds a
 * bounded number of connections. Clients are plain JDK sockets on platform threads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultishotAcceptTest extends CompletionModeFixture {
    /** Connections a listening socket may hold untaken (Multishots.MAX_QUEUED_ACCEPTS). */
    private static final int MAX_QUEUED = 64;

    @Override
    IoScheduler.Builder builder() {
        return super.builder().multishotAccept(true);
    }

    private Socket client() throws Exception {
        return new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
    }

    /** Accepts one connection on a carried thread and returns its peer's port. */
    private int acceptOne() throws Exception {
        return OnThread.get(onCarrier(() -> {
            try (TcpSocket s = server.accept()) {
                return s.remoteAddress().getPort();
            }
        }));
    }

    @Test
    void connectionsAreAcceptedWhileNoThreadAcceptsAndTakenOnceEach() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            clients.add(client());
            assertEquals(clients.get(0).getLocalPort(), acceptOne(), "the first accept starts the multishot accept");
            long before = io.stats().completions();
            for (int i = 0; i < 10; i++) {
                clients.add(client());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().completions() - before >= 10);
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                ports.add(acceptOne());
            }
            Set<Integer> expected = new HashSet<>();
            for (Socket c : clients.subList(1, 11)) {
                expected.add(c.getLocalPort());
            }
            assertEquals(expected, ports, "each connection once, with its peer's address");
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    @Test
    void concurrentAcceptorsTakeEveryConnectionExactlyOnce() throws Exception {
        int total = 300;
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Integer>> acceptors = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            acceptors.add(onCarrier(() -> {
                int n = 0;
                try {
                    for (;;) {
                        try (TcpSocket s = server.accept(Duration.ofSeconds(2))) {
                            assertTrue(accepted.add(s.remoteAddress().getPort()), "accepted twice");
                            n++;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    return n;
                }
            }));
        }
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < total; i++) {
                clients.add(client());
            }
            int sum = 0;
            for (CompletableFuture<Integer> f : acceptors) {
                sum += OnThread.get(f);
            }
            assertEquals(total, sum);
            assertEquals(total, accepted.size());
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    /**
     * A socket that does not accept stops taking connections from the kernel once it holds
     * {@value #MAX_QUEUED} (after the reap in which they came: the kernel may have accepted more
     * by then); later connections wait in the kernel's accept queue until an acceptor has taken
     * what is held, and then every connection is taken once.
     */
    @Test
    void aSocketThatDoesNotAcceptStopsTakingConnections() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            clients.add(client());
            acceptOne();
            long before = io.stats().completions();
            // A few more than it may hold: the rest, and the 10 after, fit the kernel's queue (backlog 64).
            int first = MAX_QUEUED + 20;
            for (int i = 0; i < first; i++) {
                clients.add(client());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().completions() - before >= MAX_QUEUED);
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
            int port = server.localAddress().getPort();
            int waitingBefore = acceptQueue(port);
            for (int i = 0; i < 10; i++) {
                clients.add(client());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> acceptQueue(port) >= waitingBefore + 10);
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < first + 10; i++) {
                ports.add(acceptOne());
            }
            assertEquals(first + 10, ports.size(), "every connection, once, after the stop and restart");
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    /** Connections waiting in the kernel's accept queue of the IPv4 listening socket on {@code port}. */
    private static int acceptQueue(int port) throws java.io.IOException {
        String local = String.format(":%04X", port);
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[1].endsWith(local) && f[3].equals("0A")) { // 0A: LISTEN
                return Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16); // rx_queue: the accept queue
            }
        }
        throw new IllegalStateException("no listening socket on port " + port);
    }

    @Test
    void closingTheListeningSocketClosesTheConnectionsItHeld() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            clients.add(client());
            acceptOne();
            long before = io.stats().completions();
            for (int i = 0; i < 5; i++) {
                clients.add(client());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().completions() - before >= 5);
            server.close();
            server = null;
            for (Socket c : clients.subList(1, 6)) {
                c.setSoTimeout(10_000);
                InputStream in = c.getInputStream();
                try {
                    assertEquals(-1, in.read(), "closed by the server, not left open");
                } catch (java.net.SocketException reset) {
                    // closed with the connection unread: a reset is a close too
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 0);
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    @Test
    void aTimedOutAcceptLosesNoConnection() throws Exception {
        int port = OnThread.get(onCarrier(() -> {
            assertThrows(SocketTimeoutException.class, () -> server.accept(Duration.ofMillis(50)));
            try (Socket c = client(); TcpSocket s = server.accept(Duration.ofSeconds(10))) {
                assertEquals(c.getLocalPort(), s.remoteAddress().getPort());
                return s.remoteAddress().getPort();
            }
        }));
        assertTrue(port > 0);
    }

    @Test
    void interruptingABlockedAcceptClosesTheListeningSocket() throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        CompletableFuture<Object> acceptor = onCarrier(() -> {
            thread.set(Thread.currentThread());
            return server.accept();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null
                && thread.get().getState() == Thread.State.WAITING);
        thread.get().interrupt();
        assertThrows(ClosedByInterruptException.class, () -> OnThread.get(acceptor));
        await().atMost(Duration.ofSeconds(10)).until(server::isClosed);
        await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 0);
    }
}
