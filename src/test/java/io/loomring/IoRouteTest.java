package io.loomring;

import static io.loomring.OnThread.get;
import static io.loomring.OnThread.start;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.ffm.Errno;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link IoRoute}: the poller a call's steps share, and outcomes as {@link IoStatus} values, each
 * of them reached for real (a ready pipe, a timeout, {@code cancel(fd)}, an interrupt, a closed
 * scheduler, a RECV and a background SEND on io_uring).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoRouteTest {
    private static final long TIMEOUT_50_MS = 50_000_000L;

    @Test
    void statusesAreApartFromBytesAndErrnos() {
        for (int s : new int[] {IoStatus.TIMED_OUT, IoStatus.INTERRUPTED, IoStatus.CANCELLED, IoStatus.CLOSED}) {
            assertTrue(IoStatus.isStatus(s), "status " + s);
            assertFalse(IoStatus.isErrno(s), "status " + s);
        }
        assertFalse(IoStatus.isStatus(IoStatus.READY));
        assertTrue(IoStatus.isErrno(-Errno.EAGAIN));
        assertTrue(IoStatus.isErrno(-4095), "the largest errno the kernel returns");
        assertFalse(IoStatus.isStatus(0) || IoStatus.isErrno(0) || IoStatus.isErrno(1));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aRoutesAwaitReturnsEveryOutcomeAsAStatus(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).build();
                Fds.Pipe p = Fds.Pipe.open()) {
            IoRoute route = io.route(p.readEnd());
            assertSame(route, io.route(p.readEnd()), "one route per poller and kind: choosing allocates nothing");
            assertFalse(route.completionMode(), "a platform thread parks for real: readiness mode");

            assertEquals(IoStatus.TIMED_OUT, route.awaitReadable(p.readEnd(), TIMEOUT_50_MS));
            Fds.write(p.writeEnd(), 1);
            assertEquals(IoStatus.READY, route.awaitReadable(p.readEnd(), 0));
            Fds.read(p.readEnd(), 1);

            AtomicReference<Thread> waiter = new AtomicReference<>();
            CompletableFuture<Integer> cancelled = start(Thread.ofVirtual().factory(), () -> {
                waiter.set(Thread.currentThread());
                return io.route(p.readEnd()).awaitReadable(p.readEnd(), 0);
            });
            awaitParked(waiter);
            io.cancel(p.readEnd());
            assertEquals(IoStatus.CANCELLED, get(cancelled));

            waiter.set(null);
            CompletableFuture<Integer> interrupted = start(Thread.ofVirtual().factory(), () -> {
                waiter.set(Thread.currentThread());
                int s = io.route(p.readEnd()).awaitReadable(p.readEnd(), 0);
                return Thread.currentThread().isInterrupted() ? s : -1;
            });
            awaitParked(waiter);
            waiter.get().interrupt();
            assertEquals(IoStatus.INTERRUPTED, get(interrupted), "and the interrupt status stays set");

            assertThrows(IllegalArgumentException.class, () -> route.awaitReadable(p.readEnd(), -1));
            io.close();
            assertEquals(IoStatus.CLOSED, route.awaitReadable(p.readEnd(), 0));
            assertEquals("Loomring scheduler is closed", route.closedException().getMessage());
        }
    }

    @Test
    void aCarriedThreadsRouteRunsRecvAndBackgroundSendThroughItsCarriersRing() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).build();
                TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        TcpServerSocket.DEFAULT_BACKLOG, false, io);
                TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
                TcpSocket accepted = server.accept(Duration.ofSeconds(10));
                Arena arena = Arena.ofShared()) {
            int fd = accepted.fd();
            MemorySegment in = arena.allocate(16);
            int timedOut = get(start(io.threadFactory(), () -> {
                IoRoute route = io.route(fd);
                assertTrue(route.completionMode());
                return route.receive(fd, in, TIMEOUT_50_MS);
            }));
            assertEquals(IoStatus.TIMED_OUT, timedOut, "a RECV cancelled by its timeout moved no byte");

            client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(3, get(start(io.threadFactory(), () -> io.route(fd).receive(fd, in, 0))));

            MemorySegment out = arena.allocate(5);
            CompletableFuture<Void> done = new CompletableFuture<>();
            int sent = get(start(io.threadFactory(), () ->
                    io.route(fd).sendInBackground(fd, out, () -> done.complete(null)).join(0)));
            assertEquals(5, sent);
            assertTrue(done.isDone(), "onDone ran before the outcome was known");
            ByteBuffer got = ByteBuffer.allocate(5);
            while (got.hasRemaining()) {
                client.read(got);
            }
        }
    }

    @Test
    void routesRefuseRingOperationsWhereNoRingRunsThem() throws Exception {
        try (IoScheduler io = IoScheduler.builder().backend(Backend.EPOLL).carriers(1).build();
                Fds.Pipe p = Fds.Pipe.open(); Arena arena = Arena.ofConfined()) {
            IoRoute route = io.route(p.readEnd());
            assertThrows(IllegalStateException.class, () -> route.receive(p.readEnd(), arena.allocate(8), 0));
            assertThrows(IllegalArgumentException.class, () -> io.route(-1));
        }
    }

    private static void awaitParked(AtomicReference<Thread> thread) {
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null
                && thread.get().getState() == Thread.State.WAITING);
    }
}
