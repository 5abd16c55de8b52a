package io.loomring;

import static io.loomring.poller.PollerCounters.ZERO_COPY_REFUSED;
import static io.loomring.poller.PollerCounters.ZERO_COPY_SENDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A kernel that refuses SEND_ZC: the test seam {@code IoUringSyscalls.refuseSendZeroCopy} makes the
 * poller submit its SEND_ZC requests with an opcode the kernel does not define, so the kernel
 * itself answers -EINVAL, as one older than 6.0 would. The ring then sends with SEND, and the
 * caller sees nothing of it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendZeroCopyFallbackTest {
    @Test
    void aKernelThatRefusesTheOpcodeSendsNormally() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        FaultySyscalls.Uring sys = new FaultySyscalls.Uring();
        sys.refuseSendZeroCopy = true;
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).subPollers(0)
                .syscalls(sys).sendZeroCopy(true).build();
             TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0), 4, false, io)) {
            Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            byte[] data = new byte[20 * 64 * 1024];
            new Random(5).nextBytes(data);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (TcpSocket peer = server.accept()) {
                    byte[] back = new byte[data.length];
                    int off = 0;
                    int n;
                    while (off < back.length && (n = peer.read(back, off, back.length - off)) > 0) {
                        off += n;
                    }
                    return back;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, TestBackends.virtualThreads());
            OnThread.get(OnThread.start(io.threadFactory(), () -> {
                try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io);
                     Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = arena.allocate(64 * 1024);
                    for (int i = 0; i < 20; i++) {
                        seg.copyFrom(MemorySegment.ofArray(data).asSlice(i * 64L * 1024, 64 * 1024));
                        for (int sent = 0; sent < seg.byteSize(); ) {
                            int n = io.send(client.fd(), seg.asSlice(sent), 0);
                            assertTrue(n > 0, "the refusal is not the caller's: " + n);
                            sent += n;
                        }
                    }
                }
                return null;
            }));
            assertArrayEquals(data, received.get(30, TimeUnit.SECONDS));
            // The first refusal drops REPORT_USAGE (a 6.0 or 6.1 kernel refuses that flag the same
            // way), the second SEND_ZC itself: no SEND_ZC after it.
            assertEquals(2, io.pollerCounter(ZERO_COPY_REFUSED));
            assertEquals(2, io.pollerCounter(ZERO_COPY_SENDS));
        }
    }
}
