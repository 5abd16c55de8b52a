package io.loomring.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.IoScheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link MultishotCompletionModeTest} with provided buffers the kernel fills a receive at a time
 * ({@code incrementalReceiveBuffers(true)}, {@code IOU_PBUF_RING_INC}): the same order, bounds and
 * exact returns on every kind of end, plus what sharing a buffer between sockets adds.
 */
class IncrementalMultishotCompletionModeTest extends MultishotCompletionModeTest {
    @Override
    IoScheduler.Builder builder() {
        return super.builder().incrementalReceiveBuffers(true);
    }

    /**
     * Ten small messages on each of eight connections, none read: whole-buffer receives would hold
     * eighty buffers, incremental ones share one or two. Each connection then reads exactly its own
     * bytes, in order, and every buffer goes back.
     */
    @Test
    void smallMessagesOfManySocketsShareBuffersAndEachSocketReadsItsOwn() throws Exception {
        Assumptions.assumeTrue(kernelAtLeast(6, 12), "incremental provided buffers need Linux 6.12");
        int sockets = 8;
        int messages = 10;
        int size = 10;
        List<TcpSocket[]> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < sockets; i++) {
                TcpSocket[] p = pair();
                pairs.add(p);
                p[0].write(ByteBuffer.wrap(new byte[] {0}));
                TcpSocket peer = p[1];
                assertEquals(1, get(onCarrier(() -> peer.read(new byte[1], 0, 1))), "the first read starts the receive");
            }
            for (int m = 0; m < messages; m++) {
                for (int i = 0; i < sockets; i++) {
                    TcpSocket[] p = pairs.get(i);
                    p[0].write(ByteBuffer.wrap(message(i, m, size)));
                    int queued = (m + 1) * size;
                    // Delivered to the receive's queue: one chunk each.
                    await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                            .until(() -> p[1].bytesInRingBuffers() == queued);
                }
            }
            long held = held();
            assertTrue(held >= 1 && held <= 2, sockets * messages + " chunks held in " + held + " buffers");
            for (int i = 0; i < sockets; i++) {
                TcpSocket peer = pairs.get(i)[1];
                byte[] back = get(onCarrier(() -> {
                    byte[] b = new byte[messages * size];
                    int off = 0;
                    while (off < b.length) {
                        off += peer.read(b, off, b.length - off);
                    }
                    return b;
                }));
                for (int m = 0; m < messages; m++) {
                    assertArrayEquals(message(i, m, size), Arrays.copyOfRange(back, m * size, (m + 1) * size),
                            "socket " + i + ", message " + m);
                }
            }
            assertEquals(0, held(), "every buffer went back to the ring");
        } finally {
            for (TcpSocket[] p : pairs) {
                p[0].close();
                p[1].close();
            }
        }
    }

    private static byte[] message(int socket, int message, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) (socket * 16 + message));
        return b;
    }

    /** Whether the running kernel is at least {@code major.minor} ({@code os.version}, e.g. "6.18.44-..."). */
    static boolean kernelAtLeast(int major, int minor) {
        String[] parts = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(parts[0]);
        int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}
