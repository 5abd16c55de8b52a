package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 64 MiB each way at once on one connection, through small socket buffers and small read buffers,
 * so writes are partial and the reader and writer of one socket run concurrently.
 */
class LargeTransferTest {
    private static final int SIZE = 64 << 20;
    private static final Duration LONG = Duration.ofSeconds(60);

    /** The byte at stream offset {@code i}: not periodic at any buffer size used here. */
    static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 11) + (i >>> 19));
    }

    static byte[] patternBytes(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = pattern(i);
        }
        return b;
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void sixtyFourMiBBothWaysThroughAnEchoWithSmallBuffers(Backend backend) throws Exception {
        byte[] payload = patternBytes(SIZE);
        try (IoScheduler io = Loopback.scheduler(backend);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            Future<Long> echo = pool.submit(() -> {
                try (TcpSocket s = server.accept(LONG)) {
                    s.setSendBufferSize(16384);
                    ByteBuffer buf = ByteBuffer.allocateDirect(3000);
                    long echoed = 0;
                    while (s.read(buf) >= 0) {
                        buf.flip();
                        echoed += s.write(buf);
                        buf.clear();
                    }
                    return echoed;
                }
            });
            try (TcpSocket c = TcpSocket.open(java.net.StandardProtocolFamily.INET, io)) {
                // Small send buffers force partial writes. (Tiny receive buffers would not add
                // anything but TCP's silly-window avoidance stalls on loopback's 64 KiB MSS.)
                c.setSendBufferSize(16384);
                c.connectTo(server.localAddress(), LONG);
                // one write call for all 64 MiB: the socket takes it in many partial writes
                Future<?> writer = pool.submit(() -> {
                    c.write(payload, 0, payload.length);
                    c.shutdownOutput();
                    return null;
                });
                byte[] buf = new byte[1500];
                long offset = 0;
                int n;
                while ((n = c.read(buf, 0, buf.length)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != pattern(offset + i)) {
                            fail("byte " + (offset + i) + " differs");
                        }
                    }
                    offset += n;
                }
                assertEquals(SIZE, offset, "bytes echoed back");
                writer.get(LONG.toSeconds(), TimeUnit.SECONDS);
            }
            assertEquals((long) SIZE, echo.get(LONG.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void gatheringWriteOfManyDirectBuffers(Backend backend) throws Exception {
        // 200 direct buffers (more than one sendmsg batch) of odd sizes, read back in order
        try (IoScheduler io = Loopback.scheduler(backend);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket c = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket s = server.accept(LONG)) {
            ByteBuffer[] parts = new ByteBuffer[200];
            long total = 0;
            long offset = 0;
            for (int i = 0; i < parts.length; i++) {
                int size = 1 + (i * 7919) % 20000;
                parts[i] = ByteBuffer.allocateDirect(size);
                for (int j = 0; j < size; j++) {
                    parts[i].put(pattern(offset++));
                }
                parts[i].flip();
                total += size;
            }
            final long expected = total;
            Future<Long> writer = pool.submit(() -> c.write(parts));
            ByteBuffer[] into = {ByteBuffer.allocateDirect(777), ByteBuffer.allocateDirect(5000)};
            long got = 0;
            while (got < expected) {
                long n = s.read(into);
                assertTrue(n > 0);
                for (ByteBuffer b : into) {
                    b.flip();
                    while (b.hasRemaining()) {
                        assertEquals(pattern(got), b.get(), "byte " + got);
                        got++;
                    }
                    b.clear();
                }
            }
            assertEquals(expected, writer.get(LONG.toSeconds(), TimeUnit.SECONDS));
            for (ByteBuffer p : parts) {
                assertFalse(p.hasRemaining());
            }
        }
    }
    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void gatheringWriteOfSmallHeapAndLargeDirectBuffers(Backend backend) throws Exception {
        // Heap heads between direct bodies, more than 64 KiB in all: the heap bytes are staged in
        // native memory and everything leaves with sendmsg; read back in order, positions moved.
        // The second write has more heap bytes than a stage takes: one buffer after the other.
        for (int heapSize : new int[] {150, 9000}) {
            try (IoScheduler io = Loopback.scheduler(backend);
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
                 TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
                 TcpSocket c = TcpSocket.connect(server.localAddress(), LONG, io);
                 TcpSocket s = server.accept(LONG)) {
                ByteBuffer[] parts = new ByteBuffer[6];
                long offset = 0;
                for (int i = 0; i < parts.length; i++) {
                    int size = i % 2 == 0 ? heapSize : 64 * 1024 + 3 * i;
                    parts[i] = i % 2 == 0 ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
                    for (int j = 0; j < size; j++) {
                        parts[i].put(pattern(offset++));
                    }
                    parts[i].flip();
                }
                final long expected = offset;
                Future<Long> writer = pool.submit(() -> c.write(parts));
                byte[] into = new byte[7000];
                long got = 0;
                while (got < expected) {
                    int n = s.read(into, 0, into.length);
                    assertTrue(n > 0);
                    for (int j = 0; j < n; j++) {
                        assertEquals(pattern(got), into[j], "byte " + got);
                        got++;
                    }
                }
                assertEquals(expected, writer.get(LONG.toSeconds(), TimeUnit.SECONDS));
                for (ByteBuffer p : parts) {
                    assertFalse(p.hasRemaining());
                }
            }
        }
    }
}
