package io.loomring.net;

import io.loomring.socket.SocketCalls;
import io.loomring.socket.SocketMemory;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Completion-mode socket I/O: threads carried by an io_uring carrier read with RECV and write with
 * SEND in their carrier's ring. Checks the data, and that a timeout, a close or an interrupt
 * cancels exactly: no byte lost, none delivered twice, the socket usable after a timeout.
 * {@link OrdinaryCompletionModeTest} runs the same on ordinary virtual threads, whose operations
 * a sub-poller runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompletionModeTest extends CompletionModeFixture {
    static <T> T get(CompletableFuture<T> f) throws Exception {
        return OnThread.get(f);
    }

    /** A carried thread blocked in a read of {@code peer} (its body given), once it has parked. */
    private <T> CompletableFuture<T> parkedReader(OnThread.Body<T> read, AtomicReference<Thread> thread) {
        CompletableFuture<T> reader = onCarrier(() -> {
            thread.set(Thread.currentThread());
            return read.run();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null
                && thread.get().getState() == Thread.State.WAITING);
        return reader;
    }

    @Test
    void carriedAndSubPolledThreadsUseCompletionModePlatformThreadsDoNot() throws Exception {
        assertTrue(get(onCarrier(io::completionMode)));
        assertFalse(io.completionMode(), "a platform thread parks for real: readiness mode");
        CompletableFuture<Boolean> ordinary = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> ordinary.complete(io.completionMode()));
        assertTrue(get(ordinary), "an ordinary virtual thread's operations run on a sub-poller");
        try (IoScheduler noSubPollers = IoScheduler.builder().backend(Backend.IO_URING).carriers(1)
                .subPollers(0).build()) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> f.complete(noSubPollers.completionMode()));
            assertFalse(get(f), "without sub-pollers an ordinary virtual thread's awaits go to a carrier");
        }
        try (IoScheduler epoll = IoScheduler.builder().backend(Backend.EPOLL).carriers(1).build()) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            epoll.threadFactory().newThread(() -> f.complete(epoll.completionMode())).start();
            assertFalse(get(f), "epoll carriers run no ring operations");
        }
    }

    @Test
    void completionModeCanBeTurnedOff() throws Exception {
        try (IoScheduler readiness = IoScheduler.builder().backend(Backend.IO_URING).carriers(1)
                .completionIo(false).build()) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            readiness.threadFactory().newThread(() -> f.complete(readiness.completionMode())).start();
            assertFalse(get(f), "readiness mode everywhere");
        }
    }

    @Test
    void heapAndDirectBuffersRoundTripLargeTransfersIntact() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        CompletableFuture<Integer> echo = onCarrier(() -> {
            try (TcpSocket s = server.accept()) {
                ByteBuffer direct = ByteBuffer.allocateDirect(32 * 1024);
                int total = 0;
                int n;
                while ((n = s.read(direct.clear())) > 0) {
                    direct.flip();
                    s.write(direct);
                    total += n;
                }
                return total;
            }
        });
        CompletableFuture<byte[]> client = onCarrier(() -> {
            try (TcpSocket s = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io)) {
                assertTrue(io.completionMode());
                CompletableFuture<Void> writer = onCarrier(() -> {
                    s.write(data, 0, data.length); // heap: through the socket's own native buffer
                    s.shutdownOutput();
                    return null;
                });
                byte[] back = new byte[data.length];
                int off = 0;
                int n;
                while ((n = s.read(back, off, Math.min(5000, back.length - off))) > 0) {
                    off += n;
                }
                get(writer);
                assertEquals(data.length, off);
                return back;
            }
        });
        assertArrayEquals(data, get(client));
        assertEquals(data.length, get(echo));
    }

    @Test
    void aTimedOutReadLeavesTheSocketUsableAndLosesNothing() throws Exception {
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
             TcpSocket peer = get(accepted)) {
            CompletableFuture<String> reader = onCarrier(() -> {
                peer.setReadTimeout(Duration.ofMillis(50));
                byte[] buf = new byte[16];
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> peer.read(buf, 0, 16));
                assertEquals("Read timed out", e.getMessage());
                peer.setReadTimeout(Duration.ofSeconds(20));
                int n = peer.read(buf, 0, 16);
                return new String(buf, 0, n);
            });
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(200)).until(() -> true);
            client.write(ByteBuffer.wrap("after".getBytes()));
            assertEquals("after", get(reader));
        }
    }

    /**
     * The cancel race: a reader with a very short timeout keeps timing out while the writer sends
     * numbered bytes at random moments, so cancels land just before, during and after RECVs
     * complete. Every byte must arrive once, in order.
     */
    @Test
    void timeoutsRacingWithArrivingBytesNeverLoseOrRepeatOne() throws Exception {
        int total = 20_000;
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
             TcpSocket peer = get(accepted)) {
            CompletableFuture<Integer> reader = onCarrier(() -> {
                peer.setReadTimeout(Duration.ofNanos(20_000));
                byte[] buf = new byte[7];
                int expected = 0;
                int timeouts = 0;
                while (expected < total) {
                    int n;
                    try {
                        n = peer.read(buf, 0, buf.length);
                    } catch (SocketTimeoutException e) {
                        timeouts++;
                        continue;
                    }
                    assertTrue(n > 0, "no end of stream before all bytes");
                    for (int i = 0; i < n; i++) {
                        assertEquals((byte) expected, buf[i], "byte " + expected);
                        expected++;
                    }
                }
                return timeouts;
            });
            Random random = new Random(11);
            byte[] chunk = new byte[5];
            for (int sent = 0; sent < total; ) {
                int n = Math.min(1 + random.nextInt(chunk.length), total - sent);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) (sent + i);
                }
                client.write(chunk, 0, n);
                sent += n;
                if (random.nextInt(4) == 0) {
                    LockSupport.parkNanos(random.nextInt(60_000));
                }
            }
            int timeouts = get(reader);
            assertTrue(timeouts > 0, "the race was exercised: some reads timed out");
        }
    }

    @Test
    void closeFromAnotherThreadWakesACarriedReadWithAsynchronousClose() throws Exception {
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io)) {
            TcpSocket peer = get(accepted);
            CompletableFuture<Integer> reader = parkedReader(() -> peer.read(new byte[8], 0, 8), new AtomicReference<>());
            peer.close();
            assertThrows(AsynchronousCloseException.class, () -> get(reader));
            assertFalse(peer.isOpen());
        }
    }

    @Test
    void interruptingACarriedReadClosesTheSocket() throws Exception {
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io)) {
            TcpSocket peer = get(accepted);
            AtomicReference<Thread> readerThread = new AtomicReference<>();
            CompletableFuture<Boolean> reader = parkedReader(() -> {
                try {
                    peer.read(new byte[8], 0, 8);
                    return false;
                } catch (ClosedByInterruptException e) {
                    return Thread.currentThread().isInterrupted();
                }
            }, readerThread);
            readerThread.get().interrupt();
            assertTrue(get(reader), "ClosedByInterruptException with the interrupt status kept");
            await().atMost(Duration.ofSeconds(10)).until(() -> !peer.isOpen());
        }
    }

    @Test
    void closingTheSchedulerEndsACarriedReadWithTheDocumentedException() throws Exception {
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io)) {
            TcpSocket peer = get(accepted);
            CompletableFuture<Integer> reader = parkedReader(() -> peer.read(new byte[8], 0, 8), new AtomicReference<>());
            server.close();
            server = null;
            io.close();
            IOException e = assertThrows(IOException.class, () -> get(reader));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            peer.close();
        }
    }

    @Test
    void aHeapReadReturnsWhatIsThereUpToTheCallersLength() throws Exception {
        int sent = 48 * 1024; // more than the socket's 16 KiB buffer for heap arrays, less than a loopback receive buffer
        byte[] data = new byte[sent];
        new Random(11).nextBytes(data);
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
             TcpSocket peer = get(accepted)) {
            client.write(ByteBuffer.wrap(data));
            int fd = peer.fd();
            await().atMost(Duration.ofSeconds(10)).until(() -> SocketCalls.available(fd) == sent);
            byte[] into = new byte[256 * 1024];
            int n = get(onCarrier(() -> peer.read(into, 0, into.length)));
            assertEquals(sent, n, "one read takes all that is there, as a blocking read does");
            assertArrayEquals(data, java.util.Arrays.copyOf(into, n));
        }
    }

    @Test
    void closingASocketFreesItsNativeBuffers() throws Exception {
        CompletableFuture<TcpSocket> accepted = onCarrier(server::accept);
        try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io)) {
            TcpSocket peer = get(accepted);
            client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            get(onCarrier(() -> {
                peer.read(new byte[8], 0, 8); // through the socket's receive buffer
                peer.write(new byte[100], 0, 100); // through its write-behind buffer
                return null;
            }));
            SocketMemory memory = peer.memory();
            assertEquals(2, memory.blockCount(), "a receive buffer and a write-behind buffer");
            peer.close();
            assertEquals(0, memory.blockCount(), "freed by close, not left to the GC");
        }
    }
}
