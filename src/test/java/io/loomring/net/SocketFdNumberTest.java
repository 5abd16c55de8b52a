package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import java.io.Closeable;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code fd()} on the sockets: the real socket fd, awaitable on the scheduler, refused after close. */
class SocketFdNumberTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void theFdsAreTheSocketsAndCanBeAwaited(Backend backend) throws Exception {
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = Loopback.scheduler(backend);
             var vthreads = Executors.newVirtualThreadPerTaskExecutor()) {
            long withScheduler = Fds.openFdCount();
            TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
            assertInstanceOf(Closeable.class, server);
            assertTrue(kind(server.fd()).startsWith("socket:["), kind(server.fd()));

            int serverFd = server.fd();
            // Readable listening fd = a connection is pending; accept then does not park.
            CompletableFuture<Boolean> pending = CompletableFuture.supplyAsync(() -> await(io, serverFd), vthreads);
            org.awaitility.Awaitility.await().atMost(LONG).until(() -> io.stats().armed() == 1);
            assertFalse(pending.isDone());
            TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
            assertTrue(pending.get(LONG.toSeconds(), TimeUnit.SECONDS));
            TcpSocket accepted = server.accept(Duration.ofMillis(1));

            int a = accepted.fd();
            int c = client.fd();
            assertNotEquals(a, c);
            assertTrue(kind(a).startsWith("socket:[") && kind(c).startsWith("socket:["));
            assertEquals(04000, flags(a) & 04000, "accepted socket is non-blocking");

            // Readable socket fd = bytes to read; the socket's own read then returns them.
            CompletableFuture<Boolean> readable = CompletableFuture.supplyAsync(() -> await(io, a), vthreads);
            org.awaitility.Awaitility.await().atMost(LONG).until(() -> io.stats().armed() == 1);
            assertFalse(readable.isDone());
            client.write(new byte[] {7}, 0, 1);
            assertTrue(readable.get(LONG.toSeconds(), TimeUnit.SECONDS));
            byte[] got = new byte[1];
            accepted.setReadTimeout(Duration.ofMillis(1));
            assertEquals(1, accepted.read(got, 0, 1));
            assertEquals(7, got[0]);

            accepted.close();
            client.close();
            server.close();
            assertThrows(ClosedChannelException.class, accepted::fd);
            assertThrows(ClosedChannelException.class, client::fd);
            assertThrows(ClosedChannelException.class, server::fd);
            assertEquals(withScheduler, Fds.openFdCount(), "socket fds leaked");
        }
        assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
    }

    private static boolean await(IoScheduler io, int fd) {
        try {
            return io.awaitReadable(fd, LONG);
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static String kind(int fd) throws java.io.IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    private static int flags(int fd) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new IllegalStateException("no flags for fd " + fd);
    }
}
