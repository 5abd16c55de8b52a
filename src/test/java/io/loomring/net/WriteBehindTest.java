package io.loomring.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Write-behind: in completion mode a write of up to 16 KiB returns once its bytes are queued in
 * the ring. Checks that such bytes are never lost, reordered or sent twice, whatever comes next
 * (more writes, a full socket buffer, a timeout, shutdownOutput, close, a reset, an interrupt, the
 * scheduler's close), that a failure is reported by a later call, and that close never hangs on a
 * peer that does not read. {@link OrdinaryWriteBehindTest} runs the same on ordinary virtual
 * threads, whose sends a sub-poller runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WriteBehindTest extends CompletionModeFixture {
    private static final int CHUNK = 16 * 1024;
    private static final Duration SHORT_WRITE_TIMEOUT = Duration.ofMillis(200);

    private static <T> CompletableFuture<T> onPlatformThread(OnThread.Body<T> body) {
        return OnThread.start(Thread.ofPlatform().daemon().factory(), body);
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

    /** Reads to end of stream, checking every byte against the pattern; returns the count. */
    private static long readPattern(TcpSocket s) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = s.read(buf, 0, buf.length)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != patternAt(total + i)) {
                    throw new AssertionError("byte " + (total + i) + " is " + buf[i] + ", expected " + patternAt(total + i));
                }
            }
            total += n;
        }
        return total;
    }

    /**
     * Writes 16 KiB chunks of the pattern, from {@code from}, until the socket is full (the peer
     * does not read); returns where the stream stands: every byte the writes that returned took.
     */
    private static long fill(TcpSocket s, long from) throws IOException {
        s.setWriteTimeout(SHORT_WRITE_TIMEOUT);
        long offset = from;
        long lastTimeout = -1;
        for (;;) {
            byte[] chunk = pattern(offset, CHUNK);
            try {
                s.write(chunk, 0, CHUNK);
            } catch (SocketTimeoutException e) {
                // This write took nothing: the one before it is still in the ring. The kernel may
                // still find room (it compacts a receive queue that is not read): full once two
                // timeouts in a row make no progress.
                if (offset == lastTimeout) {
                    return offset;
                }
                lastTimeout = offset;
                continue;
            }
            offset += CHUNK;
        }
    }

    /** A connected pair: [0] the writer's side (connected on a writer thread), [1] the accepted peer. */
    private TcpSocket[] pair() throws Exception {
        CompletableFuture<TcpSocket> accepted = onPlatformThread(server::accept);
        TcpSocket client = OnThread.get(onCarrier(() -> {
            TcpSocket c = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
            c.setSendBufferSize(32 * 1024);
            return c;
        }));
        return new TcpSocket[] {client, OnThread.get(accepted)};
    }

    @Test
    void writesOfEverySizeArriveInOrderAndComplete() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            CompletableFuture<Long> reader = onPlatformThread(() -> readPattern(peer));
            long written = OnThread.get(onCarrier(() -> {
                assertTrue(io.writesBehind(), "this thread writes behind");
                Random random = new Random(11);
                long offset = 0;
                for (int i = 0; i < 3000; i++) {
                    // Mostly writes that go behind, some just above the limit, a few large ones.
                    int len = i % 50 == 0 ? 100_000 : i % 7 == 0 ? CHUNK + 1 : 1 + random.nextInt(CHUNK);
                    byte[] data = pattern(offset, len);
                    if (i % 3 == 0) {
                        ByteBuffer direct = ByteBuffer.allocateDirect(len).put(data).flip();
                        assertEquals(len, client.write(direct));
                        assertFalse(direct.hasRemaining());
                    } else {
                        client.write(data, 0, len);
                    }
                    offset += len;
                }
                client.shutdownOutput();
                return offset;
            }));
            assertEquals(written, OnThread.get(reader), "every byte arrived once, in order");
        }
    }

    @Test
    void aWriteTheKernelCannotTakeYetIsDeliveredOnceThePeerReads() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            long filled = OnThread.get(onCarrier(() -> fill(client, 0)));
            CompletableFuture<Long> reader = onPlatformThread(() -> readPattern(peer));
            long total = OnThread.get(onCarrier(() -> {
                client.setWriteTimeout(Duration.ZERO);
                client.write(pattern(filled, 100), 0, 100); // waits for the earlier one, then goes behind
                client.close(); // sends what is still in the ring before the FIN
                return filled + 100;
            }));
            assertEquals(total, OnThread.get(reader));
        }
    }

    @Test
    void closeWaitsForAWriteStillInTheRing() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            long filled = OnThread.get(onCarrier(() -> fill(client, 0)));
            CompletableFuture<Long> reader = onPlatformThread(() -> {
                Thread.sleep(300); // the close below is already waiting
                return readPattern(peer);
            });
            OnThread.get(onCarrier(() -> {
                client.setWriteTimeout(Duration.ofSeconds(30));
                client.close();
                return null;
            }));
            assertEquals(filled, OnThread.get(reader), "the write that was still in the ring was delivered");
        }
    }

    @Test
    void closeGivesUpOnAPeerThatNeverReads() throws Exception {
        long fdsBefore = Fds.openFdCount();
        TcpSocket[] p = pair();
        try (TcpSocket peer = p[1]) {
            TcpSocket client = p[0];
            OnThread.get(onCarrier(() -> fill(client, 0)));
            long t0 = System.nanoTime();
            OnThread.get(onCarrier(() -> {
                client.close(); // the write timeout (200 ms) bounds its wait for the peer
                return null;
            }));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 10_000, "close took " + ms + " ms");
            assertThrows(IOException.class, () -> client.write(new byte[1], 0, 1));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Fds.openFdCount() <= fdsBefore);
    }

    @Test
    void aFailedSendIsReportedByALaterWrite() throws Exception {
        TcpSocket[] p = pair();
        TcpSocket client = p[0];
        try (client) {
            p[1].setLingerZero();
            p[1].close(); // the peer resets the connection
            IOException failure = OnThread.get(onCarrier(() -> {
                client.setWriteTimeout(Duration.ofSeconds(10));
                for (int i = 0; i < 10_000; i++) {
                    try {
                        client.write(new byte[100], 0, 100);
                    } catch (IOException e) {
                        return e;
                    }
                    Thread.sleep(1);
                }
                return null;
            }));
            assertInstanceOf(SocketException.class, failure, "no write ever reported the reset");
            assertTrue(failure.getMessage().contains("reset") || failure.getMessage().contains("pipe"),
                    failure.getMessage());
        }
    }

    @Test
    void shutdownOutputSendsAWriteStillInTheRingFirst() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            long filled = OnThread.get(onCarrier(() -> fill(client, 0)));
            CompletableFuture<Long> reader = onPlatformThread(() -> {
                Thread.sleep(200);
                return readPattern(peer);
            });
            OnThread.get(onCarrier(() -> {
                client.setWriteTimeout(Duration.ZERO);
                client.shutdownOutput();
                return null;
            }));
            assertEquals(filled, OnThread.get(reader), "the peer read every byte, then end of stream");
        }
    }

    /**
     * Fills {@code client}, then starts a write of 10 bytes on a new thread and returns once that
     * thread parks, waiting for the earlier write still in the ring (it must not end first).
     *
     * @param writer set to the writing thread
     */
    private CompletableFuture<Void> blockedWrite(TcpSocket client, AtomicReference<Thread> writer) throws Exception {
        OnThread.get(onCarrier(() -> fill(client, 0)));
        client.setWriteTimeout(Duration.ZERO);
        CompletableFuture<Void> write = onCarrier(() -> {
            writer.set(Thread.currentThread());
            client.write(new byte[10], 0, 10);
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> write.isDone() || writer.get() != null
                && writer.get().getState() == Thread.State.WAITING);
        if (write.isDone()) {
            OnThread.get(write);
            throw new AssertionError("the write did not wait for the earlier one");
        }
        return write;
    }

    @Test
    void interruptingAWriteThatWaitsForAnEarlierOneClosesTheSocket() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            AtomicReference<Thread> writer = new AtomicReference<>();
            CompletableFuture<Void> write = blockedWrite(client, writer);
            writer.get().interrupt();
            ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            await().atMost(Duration.ofSeconds(10)).until(() -> !writer.get().isAlive());
            assertFalse(client.isOpen(), "the interrupt closed the socket");
        }
    }

    @Test
    void closingTheSchedulerEndsAWriteThatWaitsForAnEarlierOne() throws Exception {
        TcpSocket[] p = pair();
        try (TcpSocket client = p[0]; TcpSocket peer = p[1]) {
            CompletableFuture<Void> write = blockedWrite(client, new AtomicReference<>());
            io.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
            IOException closed = assertInstanceOf(IOException.class, e.getCause());
            assertTrue(closed.getMessage().contains("closed"), closed.toString());
        }
    }

    @Test
    void writeBehindCanBeTurnedOff() throws Exception {
        assertFalse(io.writesBehind(), "a platform thread never writes behind");
        try (IoScheduler off = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).writeBehind(false).build()) {
            assertTrue(OnThread.get(OnThread.start(threads(off), off::completionMode)));
            assertFalse(OnThread.get(OnThread.start(threads(off), off::writesBehind)));
        }
    }
}
