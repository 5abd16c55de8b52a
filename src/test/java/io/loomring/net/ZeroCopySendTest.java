package io.loomring.net;

import static io.loomring.poller.PollerCounters.ZERO_COPY_REFUSED;
import static io.loomring.poller.PollerCounters.ZERO_COPY_RESETS;
import static io.loomring.poller.PollerCounters.ZERO_COPY_SENDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.Counters;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.TestBackends;
import io.loomring.ffm.Errno;
import io.loomring.nio.LoomringSelectorProvider;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SEND_ZC ({@code IoScheduler.Builder.sendZeroCopy}): sends of at least the threshold go
 * zero-copy and end at the kernel's notification. Checks that every byte arrives once, in order
 * (sizes around the threshold, heap and direct buffers, a slow reader), that a send past its first
 * completion is ended by a cancel, an interrupt or a close without a hang (a peer that stopped
 * reading never lets the notification come: the connection is reset) and with its bytes counted,
 * that timed writes keep the ordinary SEND, and that with the switch off nothing changes.
 * {@code SendZeroCopyFallbackTest} covers a kernel that refuses the opcode.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZeroCopySendTest {
    private static final int THRESHOLD = 16 * 1024;

    private IoScheduler io;
    private TcpServerSocket server;
    private ThreadFactory carried;

    @BeforeEach
    void open() throws IOException {
        TestBackends.assumeAvailable(Backend.IO_URING);
        io = IoScheduler.builder().backend(Backend.IO_URING).carriers(2).sendZeroCopy(true).build();
        Assumptions.assumeTrue(io.backendReason().contains("SEND_ZC for sends"), io.backendReason());
        Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
        carried = io.threadFactory("zc-");
        server = TcpServerSocket.bind(Loopback.anyPortV4(), 64, false, io);
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
        if (io != null) {
            io.close();
        }
    }

    private <T> CompletableFuture<T> onCarrier(OnThread.Body<T> body) {
        return OnThread.start(carried, body);
    }

    private static <T> CompletableFuture<T> onPlatformThread(OnThread.Body<T> body) {
        return OnThread.start(Thread.ofPlatform().daemon().factory(), body);
    }

    private long counter(int counter) {
        return Counters.of(io, counter);
    }

    /** The byte at {@code offset} of the stream every test writes. */
    private static byte patternAt(long offset) {
        return (byte) (offset % 251);
    }

    private static byte[] pattern(long from, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = patternAt(from + i);
        }
        return b;
    }

    /** Reads to end of stream (pausing {@code pauseMillis} after each read), checking every byte. */
    private static long readPattern(TcpSocket s, int chunk, long pauseMillis) throws Exception {
        byte[] buf = new byte[chunk];
        long total = 0;
        int n;
        while ((n = s.read(buf, 0, buf.length)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != patternAt(total + i)) {
                    throw new AssertionError("byte " + (total + i) + " is " + buf[i] + ", expected " + patternAt(total + i));
                }
            }
            total += n;
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
        return total;
    }

    /** A connected pair: [0] the client (connected on a carried thread), [1] the accepted peer. */
    private TcpSocket[] pair() throws Exception {
        CompletableFuture<TcpSocket> accepted = onPlatformThread(server::accept);
        TcpSocket client = OnThread.get(onCarrier(() -> TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io)));
        return new TcpSocket[] {client, OnThread.get(accepted)};
    }

    /** Waits until {@code progress} has not moved for half a second: the writer is stuck. */
    private static void awaitStuck(AtomicLong progress) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = progress.get();
            boolean stuck = now > 0 && now == last[0];
            last[0] = now;
            return stuck;
        });
    }

    @Test
    void theDescriptionNamesSendZcOnlyWhenItIsOn() {
        assertTrue(io.backendReason().contains("SEND_ZC for sends of " + THRESHOLD + " bytes or more"),
                io.backendReason());
        try (IoScheduler off = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).build()) {
            assertFalse(off.backendReason().contains("SEND_ZC"), off.backendReason());
        }
        assertThrows(IllegalArgumentException.class, () -> IoScheduler.builder().sendZeroCopyThreshold(0));
    }

    @Test
    void sendsFromTheThresholdOnGoZeroCopyAndArriveByteExact() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            CompletableFuture<Long> reader = onPlatformThread(() -> readPattern(peer, 64 * 1024, 0));
            int[] sizes = {THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, 64 * 1024, (1 << 20) + 123};
            long written = OnThread.get(onCarrier(() -> {
                int fd = client.fd();
                long offset = 0;
                try (Arena arena = Arena.ofConfined()) {
                    for (int size : sizes) {
                        MemorySegment seg = arena.allocate(size);
                        seg.copyFrom(MemorySegment.ofArray(pattern(offset, size)));
                        long before = counter(ZERO_COPY_SENDS);
                        // Each call is one ring operation: the first of a size at or above the
                        // threshold goes zero-copy, a smaller one never does.
                        int first = io.send(fd, seg, 0);
                        assertTrue(first > 0, "sent " + first);
                        assertEquals(size >= THRESHOLD ? 1 : 0, counter(ZERO_COPY_SENDS) - before, "size " + size);
                        for (int sent = first; sent < size; ) {
                            int n = io.send(fd, seg.asSlice(sent), 0);
                            assertTrue(n > 0, "sent " + n);
                            sent += n;
                        }
                        offset += size;
                    }
                }
                client.shutdownOutput();
                return offset;
            }));
            assertEquals(written, OnThread.get(reader), "every byte arrived once, in order");
        }
    }

    @Test
    void socketWritesOfHeapAndDirectBuffersArriveByteExact() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            client.setSendBufferSize(128 * 1024); // partial send(2)s: the rest goes through the ring
            CompletableFuture<Long> reader = onPlatformThread(() -> readPattern(peer, 16 * 1024, 0));
            long before = counter(ZERO_COPY_SENDS);
            int[] sizes = {THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, 64 * 1024, (1 << 20) + 123, 4 << 20};
            long written = OnThread.get(onCarrier(() -> {
                long offset = 0;
                for (int round = 0; round < 4; round++) {
                    for (int size : sizes) {
                        byte[] data = pattern(offset, size);
                        if (round % 2 == 0) {
                            client.write(data, 0, size); // heap: through the socket's own buffers
                        } else {
                            ByteBuffer direct = ByteBuffer.allocateDirect(size).put(data).flip();
                            assertEquals(size, client.write(direct));
                        }
                        offset += size;
                    }
                }
                client.shutdownOutput();
                return offset;
            }));
            assertEquals(written, OnThread.get(reader), "every byte arrived once, in order");
            assertTrue(counter(ZERO_COPY_SENDS) > before, "some sends went zero-copy");
            assertEquals(0, counter(ZERO_COPY_RESETS));
        }
    }

    @Test
    void aSlowReaderStillGetsEveryByte() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            client.setSendBufferSize(32 * 1024); // full at once: the writes wait in the ring
            CompletableFuture<Long> reader = onPlatformThread(() -> readPattern(peer, 8 * 1024, 1));
            long before = counter(ZERO_COPY_SENDS);
            long written = OnThread.get(onCarrier(() -> {
                long offset = 0;
                ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
                for (int i = 0; i < 24; i++) { // 1.5 MiB, at about 8 KiB a millisecond
                    direct.clear().put(pattern(offset, direct.capacity())).flip();
                    client.write(direct);
                    offset += direct.capacity();
                }
                client.shutdownOutput();
                return offset;
            }));
            assertEquals(written, OnThread.get(reader), "every byte arrived once, in order");
            assertTrue(counter(ZERO_COPY_SENDS) > before, "the sends waited for the reader, zero-copy");
        }
    }

    /**
     * A peer that never reads: each raw send waits for its notification, so the writer stops in a
     * send whose bytes the kernel took but cannot deliver. {@code cancel(fd)} resets the connection,
     * the notification comes, and the send returns the bytes the kernel took.
     */
    @Test
    void aSendStuckPastItsFirstCompletionIsEndedByCancelWithItsBytesCounted() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            int fd = client.fd();
            AtomicLong taken = new AtomicLong();
            AtomicReference<Thread> writerThread = new AtomicReference<>();
            CompletableFuture<Integer> writer = onCarrier(() -> {
                writerThread.set(Thread.currentThread());
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = arena.allocate(64 * 1024);
                    for (;;) {
                        int n = io.send(fd, seg, 0);
                        if (n <= 0) {
                            return n;
                        }
                        taken.addAndGet(n);
                    }
                }
            });
            awaitStuck(taken);
            assertEquals(Thread.State.WAITING, writerThread.get().getState());
            long sentBefore = taken.get();
            io.cancel(fd);
            int last = writer.get(10, TimeUnit.SECONDS);
            assertTrue(last == -Errno.ECONNRESET || last == -Errno.EPIPE, "after the reset: " + last);
            assertEquals(1, counter(ZERO_COPY_RESETS));
            assertTrue(taken.get() > sentBefore, "the stuck send returned the bytes the kernel took");
            assertThrows(IOException.class, () -> {
                byte[] buf = new byte[64 * 1024];
                while (peer.read(buf, 0, buf.length) > 0) {
                    // what arrived before the reset
                }
            }, "the peer sees the reset");
        }
    }

    @Test
    void interruptingAThreadStuckInAZeroCopySendEndsIt() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            int fd = client.fd();
            AtomicLong taken = new AtomicLong();
            AtomicReference<Thread> writerThread = new AtomicReference<>();
            CompletableFuture<Integer> writer = onCarrier(() -> {
                writerThread.set(Thread.currentThread());
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = arena.allocate(64 * 1024);
                    for (;;) {
                        taken.addAndGet(io.send(fd, seg, 0));
                    }
                }
            });
            awaitStuck(taken);
            writerThread.get().interrupt();
            ExecutionExceptionCause.assertCause(InterruptedIOException.class, writer);
            assertEquals(1, counter(ZERO_COPY_RESETS));
        }
    }

    /**
     * Through the socket API: the peer reads a little and stops, so the writer's zero-copy sends
     * end up waiting (for room, or for a notification). Close from another thread ends the write
     * without a hang, and what the peer read is exact.
     */
    @Test
    void closingASocketWhoseWriterIsStuckEndsTheWrite() throws Exception {
        TcpSocket[] p = pair();
        TcpSocket client = p[0];
        try (TcpSocket peer = p[1]) {
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = onCarrier(() -> {
                ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
                for (long offset = 0; ; offset += direct.capacity()) {
                    direct.clear().put(pattern(offset, direct.capacity())).flip();
                    client.write(direct);
                    written.set(offset + direct.capacity());
                }
            });
            byte[] buf = new byte[32 * 1024];
            long read = 0;
            while (read < 1 << 20) { // read 1 MiB, slowly, then stop
                int n = peer.read(buf, 0, buf.length);
                for (int i = 0; i < n; i++) {
                    assertEquals(patternAt(read + i), buf[i], "byte " + (read + i));
                }
                read += n;
                Thread.sleep(1);
            }
            awaitStuck(written);
            OnThread.get(onPlatformThread(() -> {
                client.close();
                return null;
            }));
            ExecutionExceptionCause.assertCause(IOException.class, writer);
        }
    }

    /**
     * Write-behind sends of 16 KiB go zero-copy; each write waits for the one before it, so once a
     * peer that does not read has its buffer full, the writer waits for a notification that never
     * comes. Interrupting it closes the socket, as the JDK's channels do, and that close resets the
     * connection to end the send.
     */
    @Test
    void interruptingAWriterWaitingForANotificationClosesTheSocket() throws Exception {
        TcpSocket[] p = pair();
        TcpSocket client = p[0];
        try (TcpSocket peer = p[1]) {
            AtomicLong written = new AtomicLong();
            AtomicReference<Thread> writerThread = new AtomicReference<>();
            CompletableFuture<Void> writer = onCarrier(() -> {
                writerThread.set(Thread.currentThread());
                for (long offset = 0; ; offset += THRESHOLD) {
                    client.write(pattern(offset, THRESHOLD), 0, THRESHOLD);
                    written.set(offset + THRESHOLD);
                }
            });
            awaitStuck(written);
            long resets = counter(ZERO_COPY_RESETS);
            writerThread.get().interrupt();
            ExecutionExceptionCause.assertCause(java.nio.channels.ClosedByInterruptException.class, writer);
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isOpen());
            assertEquals(resets + 1, counter(ZERO_COPY_RESETS), "the close reset the connection");
        }
    }

    @Test
    void timedWritesTakeTheOrdinarySend() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            long before = counter(ZERO_COPY_SENDS);
            OnThread.get(onCarrier(() -> {
                client.setWriteTimeout(Duration.ofMillis(300));
                ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
                assertThrows(SocketTimeoutException.class, () -> {
                    for (;;) {
                        client.write(direct.clear());
                    }
                });
                return null;
            }));
            assertEquals(before, counter(ZERO_COPY_SENDS), "a send with a timeout never goes zero-copy");
            assertTrue(client.isOpen());
            assertEquals(0, counter(ZERO_COPY_RESETS));
        }
    }

    @Test
    void writeBehindGoesZeroCopyAndCloseDoesNotWaitForAPeerThatStopped() throws Exception {
        TcpSocket[] p = pair();
        TcpSocket client = p[0];
        try (TcpSocket peer = p[1]) {
            CompletableFuture<Long> reader = onPlatformThread(() -> {
                byte[] buf = new byte[THRESHOLD];
                long total = 0;
                while (total < 200L * THRESHOLD) {
                    int n = peer.read(buf, 0, (int) Math.min(buf.length, 200L * THRESHOLD - total));
                    for (int i = 0; i < n; i++) {
                        assertEquals(patternAt(total + i), buf[i], "byte " + (total + i));
                    }
                    total += n;
                }
                return total; // then stops reading
            });
            long before = counter(ZERO_COPY_SENDS);
            OnThread.get(onCarrier(() -> {
                assertTrue(io.writesBehind());
                for (int i = 0; i < 200; i++) {
                    client.write(pattern((long) i * THRESHOLD, THRESHOLD), 0, THRESHOLD); // behind, zero-copy
                }
                return null;
            }));
            assertEquals(200L * THRESHOLD, OnThread.get(reader));
            assertTrue(counter(ZERO_COPY_SENDS) >= 200 + before, "every write-behind send went zero-copy");
            // The peer reads no more: fill until a write times out, then close.
            OnThread.get(onCarrier(() -> {
                client.setWriteTimeout(Duration.ofMillis(200));
                assertThrows(SocketTimeoutException.class, () -> {
                    for (;;) {
                        client.write(new byte[THRESHOLD], 0, THRESHOLD);
                    }
                });
                client.close(); // waits the write timeout for the send in flight, then cancels it
                return null;
            }));
            assertEquals(1, counter(ZERO_COPY_RESETS), "the close reset the connection the send was stuck on");
            assertFalse(client.isOpen());
        }
    }

    /** A UNIX-domain socket has no zero-copy: the kernel answers EOPNOTSUPP and the send goes as SEND. */
    @Test
    void aSocketWithoutZeroCopySupportSendsNormally() throws Exception {
        LoomringSelectorProvider provider = new LoomringSelectorProvider(io);
        try (ServerSocketChannel listener = provider.openServerSocketChannel(StandardProtocolFamily.UNIX).bind(null);
             SocketChannel client = provider.openSocketChannel(StandardProtocolFamily.UNIX)) {
            client.connect(listener.getLocalAddress());
            try (SocketChannel accepted = listener.accept()) {
                int size = 4 << 20;
                CompletableFuture<Long> reader = onPlatformThread(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                    long total = 0;
                    while (total < size) {
                        int n = accepted.read(buf.clear());
                        for (int i = 0; i < n; i++) {
                            assertEquals(patternAt(total + i), buf.get(i), "byte " + (total + i));
                        }
                        total += n;
                    }
                    return total;
                });
                long refusedBefore = counter(ZERO_COPY_REFUSED);
                OnThread.get(onCarrier(() -> {
                    ByteBuffer direct = ByteBuffer.allocateDirect(size).put(pattern(0, size)).flip();
                    while (direct.hasRemaining()) {
                        client.write(direct);
                    }
                    return null;
                }));
                assertEquals(size, OnThread.get(reader));
                assertTrue(counter(ZERO_COPY_REFUSED) > refusedBefore, "the kernel refused SEND_ZC on AF_UNIX");
                assertTrue(io.backendReason().contains("SEND_ZC for sends"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void withTheSwitchOffNothingGoesZeroCopy(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        // On epoll the switch does nothing at all: there is no ring.
        try (IoScheduler plain = IoScheduler.builder().backend(backend).carriers(1)
                .sendZeroCopy(backend == Backend.EPOLL).build();
             TcpServerSocket listener = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, plain)) {
            assertFalse(plain.backendReason().contains("SEND_ZC"), plain.backendReason());
            Assumptions.assumeTrue(plain.carriesThreads(), plain.carrierReason());
            CompletableFuture<TcpSocket> accepted = onPlatformThread(listener::accept);
            int size = 4 << 20;
            long written = OnThread.get(OnThread.start(plain.threadFactory(), () -> {
                try (TcpSocket c = TcpSocket.connect(listener.localAddress(), Duration.ofSeconds(10), plain)) {
                    c.setSendBufferSize(32 * 1024);
                    CompletableFuture<Long> reader = onPlatformThread(() -> {
                        try (TcpSocket peer = OnThread.get(accepted)) {
                            return readPattern(peer, 16 * 1024, 0);
                        }
                    });
                    c.write(ByteBuffer.allocateDirect(size).put(pattern(0, size)).flip());
                    c.shutdownOutput();
                    assertEquals(size, OnThread.get(reader));
                    return (long) size;
                }
            }));
            assertEquals(size, written);
            assertEquals(0, Counters.of(plain, ZERO_COPY_SENDS));
        }
    }

    /** Unwraps what a future's body threw. */
    private static final class ExecutionExceptionCause {
        static void assertCause(Class<? extends Throwable> type, CompletableFuture<?> f) {
            Exception e = assertThrows(Exception.class, () -> OnThread.get(f));
            assertInstanceOf(type, e, () -> "ended with " + e);
        }
    }
}
