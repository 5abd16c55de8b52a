package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import io.loomring.net.TcpSocket;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kernel requests outlive the platform thread that submitted them. A sub-poller submits from
 * whichever platform thread carries it, and the JDK's scheduler retires an idle one after 30 s; the
 * kernel then fails that thread's pending io_uring requests with {@code -ECANCELED} when they would
 * complete, though nobody asked. Here the sub-pollers run on an executor whose threads retire after 50 ms, so every
 * quiet spell of a few hundred milliseconds is such a retirement: awaits, RECVs and SENDs pending
 * across it still complete, with every byte exactly once, and the scheduler keeps serving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubmitterExitTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicInteger workersStarted = new AtomicInteger();
    private ThreadPoolExecutor retiring;

    @BeforeEach
    void retiringExecutor() {
        retiring = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 50, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
                task -> {
                    workersStarted.incrementAndGet();
                    return Thread.ofPlatform().daemon().name("retiring-worker").unstarted(task);
                });
    }

    @AfterEach
    void shutdown() {
        retiring.shutdownNow();
    }

    private IoScheduler scheduler(Backend backend) {
        TestBackends.assumeAvailable(backend);
        return IoScheduler.builder().backend(backend).carriers(1).subPollers(1).subPollerScheduler(retiring).build();
    }

    /**
     * Waits until every platform thread that carried the sub-poller has retired, then six
     * keep-alives more.
     */
    private void quietSpell(IoScheduler io) {
        int before = workersStarted.get();
        await().atMost(WAIT).until(() -> retiring.getPoolSize() == 0);
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).until(() -> true);
        assertTrue(before > 0, "the sub-poller ran on the retiring executor");
        assertFalse(io.isClosed(), () -> "the scheduler stopped: " + io.closedException().getMessage());
    }

    /**
     * The kernel fails a request whose submitter exited when the request would complete: on
     * io_uring the completion just seen was one, submitted again; epoll registrations belong to no
     * thread.
     */
    private static void assertResubmitted(IoScheduler io) {
        if (io.backend() == Backend.IO_URING) {
            assertTrue(io.stats().resubmitted() > 0, () -> "no request was failed by a retired thread: " + io.stats());
        } else {
            assertEquals(0, io.stats().resubmitted());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void anAwaitPendingWhileItsSubmitterRetiresStillCompletes(Backend backend) throws Exception {
        try (IoScheduler io = scheduler(backend); Pipe pipe = Pipe.open()) {
            CompletableFuture<Boolean> readable = onVirtualThread(() -> io.awaitReadable(pipe.readFd(), WAIT));
            await().atMost(WAIT).until(() -> io.subPollerAwaitsArmed() == 1);
            quietSpell(io);
            assertFalse(readable.isDone());
            pipe.write(ByteBuffer.wrap(new byte[] {1}));
            assertTrue(readable.get(20, TimeUnit.SECONDS));
            assertResubmitted(io);
            // And the scheduler serves new awaits after the spell.
            try (Pipe next = Pipe.open()) {
                next.write(ByteBuffer.wrap(new byte[] {1}));
                assertTrue(onVirtualThread(() -> io.awaitReadable(next.readFd(), WAIT)).get(20, TimeUnit.SECONDS));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aReadPendingWhileItsSubmitterRetiresGetsExactlyTheBytesSent(Backend backend) throws Exception {
        try (IoScheduler io = scheduler(backend); ServerSocket server = listen()) {
            try (Connection c = connect(io, server)) {
                Socket peer = c.peer();
                TcpSocket socket = c.socket();
                CompletableFuture<String> read = onVirtualThread(() -> {
                    byte[] b = new byte[64];
                    int n = socket.read(b, 0, b.length);
                    return new String(b, 0, n, StandardCharsets.US_ASCII);
                });
                await().atMost(WAIT).until(() -> io.stats().armed() >= 1);
                quietSpell(io);
                assertFalse(read.isDone());
                peer.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello", read.get(20, TimeUnit.SECONDS));
                assertResubmitted(io);
            }
        }
    }

    @ParameterizedTest(name = "incremental buffers {0}")
    @ValueSource(booleans = {false, true})
    void aMultishotReceiveWhoseSubmitterRetiresGoesOnDeliveringEveryByteOnce(boolean incremental) throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).subPollers(1)
                .subPollerScheduler(retiring).multishotReceive(true).incrementalReceiveBuffers(incremental).build();
                ServerSocket server = listen()) {
            try (Connection c = connect(io, server)) {
                OutputStream out = c.peer().getOutputStream();
                TcpSocket socket = c.socket();
                out.write('a');
                assertEquals("a", onVirtualThread(() -> readAscii(socket, 1)).get(20, TimeUnit.SECONDS));
                // The receive stays in the sub-poller's ring, submitted by a thread that now retires.
                quietSpell(io);
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello", onVirtualThread(() -> readAscii(socket, 5)).get(20, TimeUnit.SECONDS));
                assertResubmitted(io);
                quietSpell(io);
                out.write("again".getBytes(StandardCharsets.US_ASCII));
                assertEquals("again", onVirtualThread(() -> readAscii(socket, 5)).get(20, TimeUnit.SECONDS));
                assertEquals(0, io.stats().receiveBuffersHeld());
            }
        }
    }

    /**
     * A carried thread that computed for long leaves the carriers ({@link ComputingThreadReleaseTest})
     * and goes on as an ordinary virtual thread, its I/O through the sub-poller: a read it has
     * pending across a quiet spell that retires the sub-poller's platform thread still gets its
     * bytes, once, and so does the next one.
     */
    @Test
    void aThreadReleasedFromTheCarriersReadsOnAfterAQuietSpell() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(2).subPollers(1)
                .subPollerScheduler(retiring).build(); ServerSocket server = listen()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            try (Connection c = connect(io, server)) {
                OutputStream out = c.peer().getOutputStream();
                TcpSocket socket = c.socket();
                java.util.concurrent.atomic.AtomicReference<Thread> reader = new java.util.concurrent.atomic.AtomicReference<>();
                CompletableFuture<String> read = OnThread.start(io.threadFactory("computing-"), () -> {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // the balancer sees it computing
                    }
                    socket.write(new byte[] {'x'}, 0, 1); // an I/O call: where it leaves the carriers
                    assertFalse(io.carriesCurrentThread(), "released");
                    reader.set(Thread.currentThread());
                    String first = readAscii(socket, 5);
                    return first + readAscii(socket, 5);
                });
                assertEquals('x', c.peer().getInputStream().read());
                await().atMost(WAIT).until(() -> reader.get() != null && reader.get().getState() == Thread.State.WAITING);
                assertEquals(1, io.carriedThreadsReleased());
                quietSpell(io);
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                await().atMost(WAIT).until(() -> reader.get().getState() == Thread.State.WAITING);
                quietSpell(io);
                out.write("again".getBytes(StandardCharsets.US_ASCII));
                assertEquals("helloagain", read.get(20, TimeUnit.SECONDS));
                assertResubmitted(io);
            }
        }
    }

    /** Reads exactly {@code n} bytes as ASCII. */
    private static String readAscii(TcpSocket socket, int n) throws java.io.IOException {
        byte[] b = new byte[n];
        for (int off = 0; off < n; ) {
            off += socket.read(b, off, n - off);
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aWritePendingWhileItsSubmitterRetiresSendsEveryByteOnce(Backend backend) throws Exception {
        byte[] data = new byte[16 << 20];
        for (int i = 0; i < data.length; i += 4) {
            ByteBuffer.wrap(data, i, 4).putInt(i / 4); // each position says where it belongs
        }
        try (IoScheduler io = scheduler(backend); ServerSocket server = listen()) {
            try (Connection c = connect(io, server)) {
                Socket peer = c.peer();
                TcpSocket socket = c.socket();
                CompletableFuture<Boolean> written = onVirtualThread(() -> {
                    socket.write(data, 0, data.length);
                    return true;
                });
                // The peer reads nothing yet: the socket buffers fill and the write waits in the kernel.
                await().atMost(WAIT).until(() -> io.stats().armed() >= 1);
                quietSpell(io);
                assertFalse(written.isDone());
                byte[] received = new byte[data.length];
                InputStream in = peer.getInputStream();
                new DataInputStream(in).readFully(received);
                assertTrue(written.get(20, TimeUnit.SECONDS));
                assertArrayEquals(data, received);
                assertResubmitted(io);
                socket.shutdownOutput();
                assertEquals(-1, in.read(), "no byte sent twice");
                // The connection still works both ways after the spell.
                OutputStream out = peer.getOutputStream();
                out.write(7);
                assertEquals(7, onVirtualThread(() -> {
                    byte[] b = new byte[1];
                    return socket.read(b, 0, 1) == 1 ? b[0] : -1;
                }).get(20, TimeUnit.SECONDS).intValue());
            }
        }
    }

    @Test
    void aWriteBehindWhoseThreadEndedIsSentOnceAfterItsSubmitterRetires() throws Exception {
        try (IoScheduler io = scheduler(Backend.IO_URING); ServerSocket server = listen()) {
            try (Connection c = connect(io, server)) {
                Socket peer = c.peer();
                TcpSocket socket = c.socket();
                // Fill the kernel's buffers with zeros, so the next SEND waits in the kernel.
                long filled = 0;
                MemorySegment zeros = Arena.ofAuto().allocate(64 * 1024);
                MemorySegment capture = Native.threadCaptureState();
                long n;
                while ((n = Sockets.send(capture, socket.fd(), zeros, zeros.byteSize(), Sockets.MSG_NOSIGNAL)) > 0) {
                    filled += n;
                }
                // A short write is written behind: it returns, and its thread ends, with the SEND in the ring.
                byte[] tail = "the last bytes".getBytes(StandardCharsets.US_ASCII);
                assertTrue(onVirtualThread(() -> {
                    assertTrue(io.writesBehind());
                    socket.write(tail, 0, tail.length);
                    return true;
                }).get(20, TimeUnit.SECONDS));
                await().atMost(WAIT).until(() -> io.stats().armed() >= 1);
                quietSpell(io);
                InputStream in = peer.getInputStream();
                byte[] head = new byte[(int) filled];
                new DataInputStream(in).readFully(head);
                byte[] got = new byte[tail.length];
                new DataInputStream(in).readFully(got);
                assertArrayEquals(tail, got);
                assertResubmitted(io);
                socket.shutdownOutput(); // waits for the send, then ends the stream
                assertEquals(-1, in.read(), "no byte sent twice");
            }
        }
    }

    /** A Loomring socket connected by an ordinary virtual thread, and the JDK socket at the other end. */
    private record Connection(TcpSocket socket, Socket peer) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            try (peer) {
                socket.close();
            }
        }
    }

    private static Connection connect(IoScheduler io, ServerSocket server) throws Exception {
        CompletableFuture<TcpSocket> connected = onVirtualThread(() -> TcpSocket.connect(
                (InetSocketAddress) server.getLocalSocketAddress(), WAIT, io));
        Socket peer = server.accept();
        peer.setSoTimeout(20_000); // a lost byte fails the read instead of hanging it
        return new Connection(connected.get(20, TimeUnit.SECONDS), peer);
    }

    private static ServerSocket listen() throws java.io.IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** Runs {@code body} on a new ordinary virtual thread (served by the sub-poller). */
    private static <T> CompletableFuture<T> onVirtualThread(OnThread.Body<T> body) {
        return OnThread.start(Thread.ofVirtual().factory(), body);
    }
}
