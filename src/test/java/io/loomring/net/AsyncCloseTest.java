package io.loomring.net;

import io.loomring.UnresponsiveListener;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * close() from another thread wakes threads blocked in accept, connect, read and write with
 * AsynchronousCloseException, and really closes the fd (the peer sees end of stream).
 */
class AsyncCloseTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    /** Runs {@code body} on a virtual thread; returns the thread and what it threw (or null). */
    private static Thread blockIn(AtomicReference<Throwable> thrown, ThrowingRunnable body) {
        return Thread.ofVirtual().start(() -> {
            try {
                body.run();
                thrown.set(new AssertionError("returned instead of blocking"));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void awaitParked(Thread t) {
        await().atMost(PROMPTLY).until(() -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING || !t.isAlive());
        assertTrue(t.isAlive(), "thread ended before the close");
    }

    private static void assertWokenBy(Class<? extends Throwable> type, Thread t, AtomicReference<Throwable> thrown) {
        await().atMost(PROMPTLY).until(() -> !t.isAlive());
        assertEquals(type, thrown.get().getClass(), () -> "got " + thrown.get());
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void closeDuringRead(Backend backend) throws Exception {
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), PROMPTLY, io)) {
            TcpSocket accepted = server.accept(PROMPTLY);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread reader = blockIn(thrown, () -> accepted.read(ByteBuffer.allocate(16)));
            awaitParked(reader);
            accepted.close();
            assertWokenBy(AsynchronousCloseException.class, reader, thrown);
            assertFalse(accepted.isOpen());
            // The fd is really closed: the peer sees end of stream (an io_uring poll left in the
            // kernel would keep the socket open).
            client.setReadTimeout(PROMPTLY);
            assertEquals(-1, client.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> accepted.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> accepted.write(ByteBuffer.allocate(1)));
        }
        assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void closeDuringReadWhileAnotherThreadWrites(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), PROMPTLY, io);
             TcpSocket accepted = server.accept(PROMPTLY)) {
            // client: one thread blocked reading, another blocked writing (the peer never reads)
            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            Thread reader = blockIn(readFailure, () -> client.read(ByteBuffer.allocate(16)));
            Thread writer = blockIn(writeFailure, () -> client.write(ByteBuffer.allocate(64 << 20)));
            awaitParked(reader);
            awaitParked(writer);
            client.close();
            assertWokenBy(AsynchronousCloseException.class, reader, readFailure);
            assertWokenBy(AsynchronousCloseException.class, writer, writeFailure);
            assertNotNull(accepted);
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void closeDuringAccept(Backend backend) throws Exception {
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = Loopback.scheduler(backend)) {
            TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
            AtomicReference<Throwable> first = new AtomicReference<>();
            AtomicReference<Throwable> second = new AtomicReference<>();
            Thread a1 = blockIn(first, server::accept);
            Thread a2 = blockIn(second, () -> server.accept(Duration.ofMinutes(1)));
            awaitParked(a1);
            awaitParked(a2);
            server.close();
            assertTrue(server.isClosed());
            assertWokenBy(AsynchronousCloseException.class, a1, first);
            assertWokenBy(AsynchronousCloseException.class, a2, second);
            assertThrows(ClosedChannelException.class, server::accept);
            // the port is free again: nothing holds the listening socket
            try (TcpServerSocket again = TcpServerSocket.bind(server.localAddress(), 16, false, io)) {
                assertEquals(server.localAddress(), again.localAddress());
            }
        }
        assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void closeDuringConnect(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             UnresponsiveListener target = new UnresponsiveListener()) {
            TcpSocket socket = TcpSocket.open(StandardProtocolFamily.INET, io);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread connector = blockIn(thrown, () -> socket.connectTo(target.address(), Duration.ZERO));
            awaitParked(connector);
            // a second connect while the first is pending fails without disturbing it
            assertThrows(java.nio.channels.ConnectionPendingException.class,
                    () -> socket.connectTo(target.address(), Duration.ZERO));
            assertTrue(socket.isOpen());
            assertTrue(connector.isAlive());
            socket.close();
            assertWokenBy(AsynchronousCloseException.class, connector, thrown);
            assertFalse(socket.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void interruptDuringReadClosesTheSocket(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), PROMPTLY, io);
             TcpSocket accepted = server.accept(PROMPTLY)) {
            AtomicBoolean interruptStatus = new AtomicBoolean();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread reader = blockIn(thrown, () -> {
                try {
                    client.read(ByteBuffer.allocate(16));
                } finally {
                    interruptStatus.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitParked(reader);
            reader.interrupt();
            assertWokenBy(ClosedByInterruptException.class, reader, thrown);
            assertTrue(interruptStatus.get(), "interrupt status must stay set");
            await().atMost(PROMPTLY).until(() -> !client.isOpen());
            accepted.setReadTimeout(PROMPTLY);
            assertEquals(-1, accepted.read(ByteBuffer.allocate(1)));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void closeRacingReadsNeverHangs(Backend backend) throws Exception {
        // Many rounds of close racing a read that is just starting: every read must end promptly
        // (in the window between EAGAIN and arming its await, the closer's retry catches it).
        try (IoScheduler io = Loopback.scheduler(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 64, false, io)) {
            for (int round = 0; round < 200; round++) {
                try (TcpSocket client = TcpSocket.connect(server.localAddress(), PROMPTLY, io);
                     TcpSocket accepted = server.accept(PROMPTLY)) {
                    CompletableFuture<Integer> read = new CompletableFuture<>();
                    Thread.ofVirtual().start(() -> {
                        try {
                            read.complete(client.read(ByteBuffer.allocate(8)));
                        } catch (Throwable t) {
                            read.completeExceptionally(t);
                        }
                    });
                    client.close();
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> read.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS));
                    assertInstanceOf(ClosedChannelException.class, e.getCause());
                    assertNotNull(accepted);
                }
            }
        }
    }
}
