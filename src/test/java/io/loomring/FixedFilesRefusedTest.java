package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.ffm.Errno;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import io.loomring.ring.RingConstants;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registered files on a kernel that refuses them: the table ({@code IORING_REGISTER_FILES}) or a
 * slot's update ({@code IORING_REGISTER_FILES_UPDATE}) answered with an error, as a kernel before
 * 5.5 or a process whose {@code RLIMIT_NOFILE} is below the slot count would. Sockets then use
 * their plain fds, the backend's reason says why, and nothing else changes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FixedFilesRefusedTest {
    @Test
    void aRefusedTableLeavesEverySocketOnItsPlainFd() throws Exception {
        String reason = echoOnce(RingConstants.REGISTER_FILES, Errno.EMFILE);
        assertTrue(reason.contains("registered files refused"), reason);
    }

    @Test
    void aRefusedSlotLeavesThatSocketOnItsPlainFd() throws Exception {
        String reason = echoOnce(RingConstants.REGISTER_FILES_UPDATE, Errno.EBADF);
        assertTrue(reason.contains("registered files, 16 slots"), reason);
    }

    /** One echo through a carried server socket with {@code opcode} refused; the backend's reason. */
    private static String echoOnce(int opcode, int errno) throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        FaultySyscalls.Uring sys = new FaultySyscalls.Uring();
        sys.refusedRegisterOpcode = opcode;
        sys.refusedRegisterErrno = errno;
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).subPollers(0)
                .syscalls(sys).fixedFiles(true).fixedFileSlots(16).multishotReceive(false).build();
             TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0), 4, false, io);
             Socket client = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
            client.setSoTimeout(10_000);
            CompletableFuture<Void> served = OnThread.start(io.threadFactory(), () -> {
                try (TcpSocket s = server.accept()) {
                    byte[] buf = new byte[16];
                    int n = s.read(buf, 0, buf.length);
                    s.write(buf, 0, n);
                }
                return null;
            });
            OutputStream out = client.getOutputStream();
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = client.getInputStream();
            assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
            OnThread.get(served);
            assertEquals(-1, in.read(), "the close ends the connection");
            assertEquals(0, io.stats().fixedFiles());
            return io.backendReason();
        }
    }
}
