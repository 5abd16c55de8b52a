package io.loomring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.ffm.Errno;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import io.loomring.ring.RingConstants;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multishot receives where they are not to be had: turned off, or asked for (the default) on a
 * kernel that refuses provided-buffer rings (as before 5.19; forced here by answering EINVAL to
 * {@code IORING_REGISTER_PBUF_RING}). Reads take the ordinary path, lose nothing, hold no buffer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MultishotRefusedTest {

    /** An echo of 64 KiB between two carried threads; returns what came back. */
    private static byte[] exchange(IoScheduler io, byte[] data) throws Exception {
        try (TcpServerSocket server = TcpServerSocket.bind(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false, io)) {
            CompletableFuture<Void> echo = OnThread.start(io.threadFactory("echo-"), () -> {
                try (TcpSocket s = server.accept()) {
                    byte[] b = new byte[data.length];
                    int off = 0;
                    while (off < b.length) {
                        off += s.read(b, off, b.length - off);
                    }
                    s.write(b, 0, b.length);
                }
                return null;
            });
            byte[] back = OnThread.get(OnThread.start(io.threadFactory("client-"), () -> {
                try (TcpSocket s = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(10), io)) {
                    s.write(data, 0, data.length);
                    byte[] b = new byte[data.length];
                    int off = 0;
                    while (off < b.length) {
                        off += s.read(b, off, Math.min(1000, b.length - off));
                    }
                    return b;
                }
            }));
            OnThread.get(echo);
            return back;
        }
    }

    private static byte[] data() {
        byte[] data = new byte[64 * 1024];
        new Random(13).nextBytes(data);
        return data;
    }

    @Test
    void aKernelThatRefusesProvidedBuffersLeavesReadsOnTheOrdinaryPath() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        FaultySyscalls.Uring sys = new FaultySyscalls.Uring();
        sys.refusedRegisterOpcode = RingConstants.REGISTER_PBUF_RING;
        sys.refusedRegisterErrno = Errno.EINVAL;
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).syscalls(sys).carriers(1)
                .multishotReceive(true).build()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            assertTrue(io.backendReason().contains("multishot"), io.backendReason());
            byte[] data = data();
            assertArrayEquals(data, exchange(io, data));
            assertArrayEquals(data, exchange(io, data), "and again, once the ring has refused");
            assertEquals(0, io.stats().receiveBuffersHeld());
            assertFalse(OnThread.get(OnThread.start(io.threadFactory("probe-"), () -> io.route(0).multishotReceive())),
                    "the carrier's route no longer offers multishot receives");
        }
    }

    @Test
    void multishotReceivesAreOnByDefaultAndCanBeTurnedOff() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        org.junit.jupiter.api.Assumptions.assumeFalse("false".equals(System.getProperty("loomring.multishotReceive")),
                "the suite runs with -Dloomring.multishotReceive=false");
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).build()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            assertTrue(io.backendReason().contains("multishot RECV"), io.backendReason());
            assertTrue(OnThread.get(OnThread.start(io.threadFactory("probe-"), () -> io.route(0).multishotReceive())));
        }
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).multishotReceive(false)
                .build()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            assertFalse(io.backendReason().contains("multishot RECV"), io.backendReason());
            byte[] data = data();
            assertArrayEquals(data, exchange(io, data));
            assertEquals(0, io.stats().receiveBuffersHeld());
            assertFalse(OnThread.get(OnThread.start(io.threadFactory("probe-"), () -> io.route(0).multishotReceive())));
        }
    }
}
