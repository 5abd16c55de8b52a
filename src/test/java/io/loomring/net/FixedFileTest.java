package io.loomring.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.TestBackends;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registered files ({@code IoScheduler.Builder.fixedFiles}): a socket served by a carrier takes a
 * slot of that carrier ring's table at its first operation and gives it back when it closes. The
 * peers here are plain JDK sockets on platform threads, so what they see is what the kernel did:
 * a close must end the connection (a slot still holding the file would keep it open past
 * {@code close(2)}), whichever thread closes; slots are taken again after a close; sockets beyond
 * the table's slots, and sockets of a scheduler already closed, still work and close.
 * {@code FixedFilesRefusedTest} covers a kernel that refuses the table.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FixedFileTest {
    private IoScheduler io;
    private TcpServerSocket server;

    private void open(int slots, boolean multishot) throws IOException {
        TestBackends.assumeAvailable(Backend.IO_URING);
        io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).fixedFiles(true).fixedFileSlots(slots)
                .multishotReceive(multishot).multishotAccept(multishot).build();
        Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
        assertTrue(io.backendReason().contains("registered files, " + slots + " slots"), io.backendReason());
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

    private ThreadFactory carried() {
        return io.threadFactory("fixed-");
    }

    /** A plain JDK client: its reads see what the kernel does with the server's socket. */
    private Socket client() throws IOException {
        Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** On a carried thread: accepts one connection and echoes one line, leaving it open. */
    private CompletableFuture<TcpSocket> acceptAndEchoOnce() {
        return OnThread.start(carried(), () -> {
            TcpSocket s = server.accept();
            byte[] buf = new byte[64];
            int n = s.read(buf, 0, buf.length);
            s.write(buf, 0, n);
            return s;
        });
    }

    private static String roundTrip(Socket c, String line) throws IOException {
        OutputStream out = c.getOutputStream();
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] back = c.getInputStream().readNBytes(line.length());
        return new String(back, StandardCharsets.US_ASCII);
    }

    private static void assertEndOfStream(Socket c) throws IOException {
        assertEquals(-1, c.getInputStream().read(), "the server's close must end the connection");
    }

    @Test
    void aCloseOnTheCarrierEndsTheConnectionAndFreesTheSlot() throws Exception {
        open(16, false);
        serveOnceThenClose("ping", carried());
    }

    @Test
    void aCloseFromAThreadTheCarrierDoesNotCarryEndsTheConnection() throws Exception {
        open(16, false);
        serveOnceThenClose("ping", Thread.ofPlatform().daemon().factory()); // it waits for the carrier
    }

    @Test
    void slotsAreTakenAgainAfterCloseAndEachConnectionGetsItsOwnBytes() throws Exception {
        open(2, false);
        for (int i = 0; i < 20; i++) { // fd numbers and slots are reused from one round to the next
            serveOnceThenClose("round-" + i, carried());
        }
    }

    /**
     * A plain client sends {@code line}; a carried thread accepts and echoes it (its socket takes a
     * slot); a thread of {@code closer} closes the served socket: the client sees the end of the
     * stream, and the slot is free again.
     */
    private void serveOnceThenClose(String line, ThreadFactory closer) throws Exception {
        try (Socket c = client()) {
            CompletableFuture<TcpSocket> served = acceptAndEchoOnce();
            assertEquals(line, roundTrip(c, line));
            TcpSocket s = OnThread.get(served);
            assertEquals(1, io.stats().fixedFiles(), "the served socket holds a slot");
            OnThread.get(OnThread.start(closer, () -> {
                s.close();
                return null;
            }));
            assertEquals(0, io.stats().fixedFiles());
            assertEndOfStream(c);
        }
    }

    @Test
    void socketsBeyondTheTableUsePlainFds() throws Exception {
        open(2, false);
        List<Socket> clients = new ArrayList<>();
        List<TcpSocket> served = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket c = client();
                clients.add(c);
                CompletableFuture<TcpSocket> s = acceptAndEchoOnce();
                assertEquals("c" + i, roundTrip(c, "c" + i));
                served.add(OnThread.get(s));
            }
            assertEquals(2, io.stats().fixedFiles(), "two slots, five sockets");
            for (int i = 0; i < 5; i++) { // every socket still serves, slot or not
                TcpSocket s = served.get(i);
                CompletableFuture<Void> echo = OnThread.start(carried(), () -> {
                    byte[] buf = new byte[16];
                    int n = s.read(buf, 0, buf.length);
                    s.write(buf, 0, n);
                    s.close();
                    return null;
                });
                assertEquals("again" + i, roundTrip(clients.get(i), "again" + i));
                OnThread.get(echo);
                assertEndOfStream(clients.get(i));
            }
            assertEquals(0, io.stats().fixedFiles());
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    @Test
    void multishotReceivesAndAcceptsRunOnRegisteredFiles() throws Exception {
        open(16, true);
        byte[] data = new byte[256 * 1024];
        new java.util.Random(3).nextBytes(data);
        CompletableFuture<byte[]> echoed;
        try (Socket c = client()) {
            CompletableFuture<Void> serving = OnThread.start(carried(), () -> {
                try (TcpSocket s = server.accept()) {
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = s.read(buf, 0, buf.length)) > 0) {
                        s.write(buf, 0, n);
                    }
                }
                return null;
            });
            echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.getInputStream().readNBytes(data.length);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            OutputStream out = c.getOutputStream();
            out.write(data);
            out.flush();
            assertArrayEquals(data, echoed.get(30, TimeUnit.SECONDS));
            assertTrue(io.stats().fixedFiles() >= 1, "the listening and the served socket hold slots");
            c.shutdownOutput();
            OnThread.get(serving);
            assertEndOfStream(c);
        }
    }

    @Test
    void aSocketClosedAfterItsSchedulerClosesWithoutWaiting() throws Exception {
        open(16, false);
        try (Socket c = client()) {
            CompletableFuture<TcpSocket> served = acceptAndEchoOnce();
            assertEquals("ping", roundTrip(c, "ping"));
            TcpSocket s = OnThread.get(served);
            io.close(); // the ring, and its table with it, are gone
            s.close();
            assertEndOfStream(c);
        }
    }

    @Test
    void offByDefault() throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        Assumptions.assumeFalse(Boolean.getBoolean("loomring.fixedFiles"), "the whole suite runs with them on");
        io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).build();
        Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
        server = TcpServerSocket.bind(Loopback.anyPortV4(), 64, false, io);
        try (Socket c = client()) {
            CompletableFuture<TcpSocket> served = acceptAndEchoOnce();
            assertEquals("ping", roundTrip(c, "ping"));
            OnThread.get(served).close();
            assertEquals(0, io.stats().fixedFiles());
            assertFalse(io.backendReason().contains("registered files"), io.backendReason());
        }
    }
}
