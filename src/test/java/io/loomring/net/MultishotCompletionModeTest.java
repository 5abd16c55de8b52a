package io.loomring.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.IoScheduler;
import io.loomring.socket.SocketCalls;
import io.loomring.socket.SocketMemory;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link CompletionModeTest} with multishot receives ({@code multishotReceive(true)}): the same
 * exactness under timeouts, interrupts and closes, plus what the provided buffers add: bytes that
 * arrive while nobody reads wait in the ring's buffers, in order; a connection that does not read
 * holds a bounded number of them; every buffer goes back to the ring on every kind of end.
 */
class MultishotCompletionModeTest extends CompletionModeTest {
    /** Unread chunks a socket may hold before its receive is stopped (ProvidedBuffers.MAX_QUEUED). */
    private static final int MAX_QUEUED = 16;
    /** Buffers per ring (ProvidedBuffers.ENTRIES). */
    private static final int RING_BUFFERS = 256;

    @Override
    IoScheduler.Builder builder() {
        return super.builder().multishotReceive(true).multishotAccept(false); // armed() counts this socket's requests only
    }

    long held() {
        return io.stats().receiveBuffersHeld();
    }

    /** A connected pair: the client (platform thread side) and the accepted peer. */
    TcpSocket[] pair() throws Exception {
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
        return new TcpSocket[] {client, get(accepted)};
    }

    /**
     * The first receives of a fresh scheduler, from many threads at once: each ring sets up its
     * buffers once, whichever read comes first, and every thread reads exactly its own bytes.
     */
    @Test
    void firstReadsFromManyThreadsAtOnceEachGetTheirOwnBytes() throws Exception {
        int threads = 16;
        List<TcpSocket[]> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                pairs.add(pair());
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            List<CompletableFuture<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                TcpSocket peer = pairs.get(i)[1];
                reads.add(onCarrier(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    byte[] b = new byte[3000];
                    int off = 0;
                    while (off < b.length) {
                        off += peer.read(b, off, b.length - off);
                    }
                    return b;
                }));
            }
            for (int i = 0; i < threads; i++) {
                pairs.get(i)[0].write(ByteBuffer.wrap(ownBytes(i)));
            }
            for (int i = 0; i < threads; i++) {
                assertArrayEquals(ownBytes(i), get(reads.get(i)), "thread " + i);
            }
            assertEquals(0, held(), "every buffer went back to the ring");
        } finally {
            for (TcpSocket[] p : pairs) {
                p[0].close();
                p[1].close();
            }
        }
    }

    private static byte[] ownBytes(int i) {
        byte[] b = new byte[3000];
        new Random(i).nextBytes(b);
        return b;
    }

    @Test
    void bytesArrivingWhileNobodyReadsWaitInTheRingsBuffersInOrder() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            client.write(ByteBuffer.wrap(new byte[] {0}));
            assertEquals(1, get(onCarrier(() -> peer.read(new byte[1], 0, 1))), "the first read starts the receive");
            byte[] data = new byte[40_000];
            new Random(3).nextBytes(data);
            client.write(ByteBuffer.wrap(data));
            await().atMost(Duration.ofSeconds(10)).until(() -> held() > 0);
            assertEquals(0, SocketCalls.available(peer.fd()), "the kernel's socket buffer is empty: the ring holds them");
            byte[] back = get(onCarrier(() -> {
                byte[] b = new byte[data.length];
                int off = 0;
                while (off < b.length) {
                    off += peer.read(b, off, Math.min(3000, b.length - off));
                }
                return b;
            }));
            assertArrayEquals(data, back);
            assertEquals(0, held(), "every buffer went back to the ring");
        }
    }

    @Test
    void aSocketWhoseFdWasHandedOutKeepsItsBytesWhereAnAwaitSeesThem() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            int fd = peer.fd(); // for an await of one's own: no multishot receive from now on
            client.write(ByteBuffer.wrap(new byte[] {0}));
            assertEquals(1, get(onCarrier(() -> peer.read(new byte[1], 0, 1))));
            client.write(ByteBuffer.wrap(new byte[1000]));
            await().atMost(Duration.ofSeconds(10)).until(() -> SocketCalls.available(fd) == 1000);
            assertTrue(get(onCarrier(() -> io.awaitReadable(fd, Duration.ofSeconds(10)))), "the await sees them");
            assertEquals(0, held());
            assertEquals(1000, get(onCarrier(() -> {
                byte[] b = new byte[1000];
                int off = 0;
                while (off < b.length) {
                    off += peer.read(b, off, b.length - off);
                }
                return off;
            })));
        }
    }

    @Test
    void aConnectionThatDoesNotReadHoldsABoundedShareOfTheBuffers() throws Exception {
        TcpSocket[] lazy = pair();
        TcpSocket[] busy = pair();
        try (TcpSocket lazyClient = lazy[0]; TcpSocket lazyPeer = lazy[1];
             TcpSocket busyClient = busy[0]; TcpSocket busyPeer = busy[1]) {
            lazyClient.write(ByteBuffer.wrap(new byte[] {0}));
            get(onCarrier(() -> lazyPeer.read(new byte[1], 0, 1)));
            byte[] data = new byte[4 * 1024 * 1024];
            new Random(5).nextBytes(data);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    lazyClient.write(ByteBuffer.wrap(data)); // blocks once the peer's kernel buffer is full
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> held() >= MAX_QUEUED);
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
            long heldByLazy = held();
            assertTrue(heldByLazy < 2 * MAX_QUEUED, "stopped near its share: " + heldByLazy);
            // The other connection goes on, through the ring's buffers.
            CompletableFuture<String> echo = onCarrier(() -> {
                byte[] b = new byte[5];
                int n = busyPeer.read(b, 0, 5);
                return new String(b, 0, n);
            });
            busyClient.write(ByteBuffer.wrap("hello".getBytes()));
            assertEquals("hello", get(echo));
            byte[] back = get(onCarrier(() -> {
                byte[] b = new byte[data.length];
                int off = 0;
                while (off < b.length) {
                    off += lazyPeer.read(b, off, Math.min(100_000, b.length - off));
                }
                return b;
            }));
            writer.get();
            assertArrayEquals(data, back, "stopping and restarting the receive lost and repeated nothing");
            assertEquals(0, held());
        }
    }

    @Test
    void whenTheBuffersRunOutReadsTakeTheOrdinaryPathAndLoseNothing() throws Exception {
        int lazyCount = RING_BUFFERS / MAX_QUEUED + 4;
        List<TcpSocket[]> lazy = new ArrayList<>();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        byte[] data = new byte[256 * 1024];
        new Random(9).nextBytes(data);
        try {
            for (int i = 0; i < lazyCount; i++) {
                TcpSocket[] p = pair();
                lazy.add(p);
                p[0].write(ByteBuffer.wrap(new byte[] {0}));
                get(onCarrier(() -> p[1].read(new byte[1], 0, 1)));
                writers.add(CompletableFuture.runAsync(() -> {
                    try {
                        p[0].write(ByteBuffer.wrap(data));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertTrue(held() <= 2L * RING_BUFFERS, "bounded by the rings: " + held());
            TcpSocket[] fresh = pair();
            try (TcpSocket client = fresh[0]; TcpSocket peer = fresh[1]) {
                CompletableFuture<String> echo = onCarrier(() -> {
                    byte[] b = new byte[5];
                    int n = peer.read(b, 0, 5);
                    return new String(b, 0, n);
                });
                client.write(ByteBuffer.wrap("fresh".getBytes()));
                assertEquals("fresh", get(echo));
            }
            for (TcpSocket[] p : lazy) {
                byte[] back = get(onCarrier(() -> {
                    byte[] b = new byte[data.length];
                    int off = 0;
                    while (off < b.length) {
                        off += p[1].read(b, off, b.length - off);
                    }
                    return b;
                }));
                assertArrayEquals(data, back);
            }
            for (CompletableFuture<Void> w : writers) {
                w.get();
            }
        } finally {
            for (TcpSocket[] p : lazy) {
                p[0].close();
                p[1].close();
            }
        }
        assertEquals(0, held());
    }

    @Test
    void closingASocketWithUnreadBytesHandsItsBuffersBack() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]) {
            TcpSocket peer = p[1];
            client.write(ByteBuffer.wrap(new byte[] {0}));
            get(onCarrier(() -> peer.read(new byte[1], 0, 1)));
            client.write(ByteBuffer.wrap(new byte[20_000]));
            await().atMost(Duration.ofSeconds(10)).until(() -> held() > 0);
            peer.close();
            assertEquals(0, held());
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 0);
        }
    }

    @Test
    void aTimedOutReadKeepsTheBytesThatCameAfterIt() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            String got = get(onCarrier(() -> {
                peer.setReadTimeout(Duration.ofMillis(50));
                assertThrows(SocketTimeoutException.class, () -> peer.read(new byte[4], 0, 4));
                client.write(ByteBuffer.wrap("kept".getBytes()));
                await().atMost(Duration.ofSeconds(10)).until(() -> held() > 0);
                byte[] b = new byte[4];
                int n = peer.read(b, 0, 4);
                return new String(b, 0, n);
            }));
            assertEquals("kept", got);
            assertEquals(0, held());
        }
    }

    @Test
    void anInterruptedReadClosesTheSocketAndHandsItsBuffersBack() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]) {
            TcpSocket peer = p[1];
            client.write(ByteBuffer.wrap(new byte[10_000]));
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Integer> blocked = onCarrier(() -> {
                byte[] sink = new byte[10_000];
                for (int off = 0; off < sink.length; ) {
                    off += peer.read(sink, off, sink.length - off);
                }
                thread.set(Thread.currentThread());
                return peer.read(sink, 0, 1);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null
                    && thread.get().getState() == Thread.State.WAITING);
            thread.get().interrupt();
            assertThrows(java.nio.channels.ClosedByInterruptException.class, () -> get(blocked));
            await().atMost(Duration.ofSeconds(10)).until(() -> !peer.isOpen());
            assertEquals(0, held());
        }
    }

    @Test
    void closeFromAnotherThreadWakesAReadWaitingOnTheReceive() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]) {
            TcpSocket peer = p[1];
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Integer> reader = onCarrier(() -> {
                thread.set(Thread.currentThread());
                return peer.read(new byte[8], 0, 8);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null
                    && thread.get().getState() == Thread.State.WAITING);
            peer.close();
            assertThrows(AsynchronousCloseException.class, () -> get(reader));
            assertEquals(0, held());
        }
    }

    /**
     * Replaces the base test: a read returns what has reached the ring's buffers, up to the
     * caller's length (bytes still in the kernel's socket buffer come with the next chunks).
     */
    @Override
    @Test
    void aHeapReadReturnsWhatIsThereUpToTheCallersLength() throws Exception {
        int sent = 48 * 1024;
        byte[] data = new byte[sent];
        new Random(11).nextBytes(data);
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            client.write(ByteBuffer.wrap(new byte[] {0}));
            get(onCarrier(() -> peer.read(new byte[1], 0, 1)));
            client.write(ByteBuffer.wrap(data));
            int fd = peer.fd();
            await().atMost(Duration.ofSeconds(10)).until(() -> held() >= sent / 4096 && SocketCalls.available(fd) == 0);
            byte[] into = new byte[256 * 1024];
            int n = get(onCarrier(() -> peer.read(into, 0, into.length)));
            assertEquals(sent, n, "one read takes every chunk queued");
            assertArrayEquals(data, java.util.Arrays.copyOf(into, n));
        }
    }

    /** Replaces the base test: reads need no receive buffer of the socket's own here. */
    @Override
    @Test
    void closingASocketFreesItsNativeBuffers() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]) {
            TcpSocket peer = p[1];
            client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            get(onCarrier(() -> {
                peer.read(new byte[8], 0, 8); // from the ring's buffers
                peer.write(new byte[100], 0, 100); // through its write-behind buffer
                return null;
            }));
            SocketMemory memory = peer.memory();
            assertEquals(1, memory.blockCount(), "a write-behind buffer only");
            peer.close();
            assertEquals(0, memory.blockCount(), "freed by close, not left to the GC");
        }
    }
}
