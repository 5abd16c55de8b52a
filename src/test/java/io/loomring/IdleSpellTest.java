package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.loomring.files.LoomringFileSystemProvider;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scheduler keeps serving after a quiet spell longer than the JDK scheduler's 30 s keep-alive,
 * as a server does at night: the platform threads that carried its sub-pollers retire meanwhile.
 * Both backends at once (the spell is the test's cost), and on each the threads of both modes:
 * ordinary virtual threads (served by sub-pollers) and carried ones. An accept, a read and a NIO
 * select armed before the spell complete after it, so does a FIFO read through Loomring's file
 * channel, files are written and read, and new connections work. {@link SubmitterExitTest} makes
 * the same retirement happen within milliseconds; this one waits for the JDK's own.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IdleSpellTest {
    /** Longer than the JDK scheduler's keep-alive of 30 s, as the failure it guards against was seen. */
    private static final long SPELL_MILLIS = 40_000;
    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * One mode's server on one scheduler: an accept pending, then a connection whose read is
     * pending; a NIO selector of Loomring's provider whose select over a pipe is pending; and a
     * read of a FIFO through Loomring's file channel, pending.
     */
    private record Station(String name, IoScheduler io, TcpServerSocket server, ThreadFactory threads,
                           CompletableFuture<String> pendingAccept, TcpSocket client,
                           CompletableFuture<String> pendingRead, java.nio.channels.Pipe pipe,
                           java.nio.channels.Selector selector, CompletableFuture<Integer> pendingSelect,
                           java.io.RandomAccessFile fifoWriter, CompletableFuture<String> pendingFileRead,
                           LoomringFileSystemProvider files) {}

    @Test
    void everyBackendAndModeServesAfterFortySecondsOfQuiet() throws Exception {
        List<IoScheduler> schedulers = new ArrayList<>();
        List<Station> stations = new ArrayList<>();
        try {
            for (Backend backend : new Backend[] {Backend.IO_URING, Backend.EPOLL}) {
                IoScheduler io;
                try {
                    io = IoScheduler.builder().backend(backend).build();
                } catch (java.io.UncheckedIOException unavailable) {
                    continue; // this machine cannot run the backend (TestBackends' reason)
                }
                schedulers.add(io);
                stations.add(station(backend + " ordinary", io, Thread.ofVirtual().factory()));
                stations.add(station(backend + " carried", io, io.threadFactory()));
            }
            assertFalse(schedulers.isEmpty(), "no backend starts here");
            Thread.sleep(SPELL_MILLIS); // the quiet spell is what this test is about
            for (Station s : stations) {
                assertFalse(s.io().isClosed(), () -> s.name() + ": the scheduler stopped: "
                        + s.io().closedException().getMessage());
                assertFalse(s.pendingAccept().isDone() || s.pendingRead().isDone() || s.pendingSelect().isDone()
                                || s.pendingFileRead().isDone(),
                        () -> s.name() + ": accept " + s.pendingAccept() + ", read " + s.pendingRead()
                                + ", select " + s.pendingSelect() + ", file read " + s.pendingFileRead());
                // The FIFO read armed before the spell gets the bytes written now.
                s.fifoWriter().write("fifo".getBytes(StandardCharsets.US_ASCII));
                assertEquals("fifo", s.pendingFileRead().get(20, TimeUnit.SECONDS), s.name() + ": file read");
                // And a file written, forced and read back through the ring (or the pool) works.
                assertEquals("disk", OnThread.start(s.threads(), () -> fileRoundTrip(s)).get(20, TimeUnit.SECONDS),
                        s.name() + ": file round trip");
                // The select armed before the spell sees the pipe readable now.
                s.pipe().sink().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
                assertEquals(1, s.pendingSelect().get(20, TimeUnit.SECONDS), s.name() + ": select");
                // The accept armed before the spell completes now.
                try (TcpSocket late = connect(s)) {
                    assertEquals("accepted", s.pendingAccept().get(20, TimeUnit.SECONDS), s.name());
                }
                // So does the read armed before it.
                s.client().write("after the spell".getBytes(StandardCharsets.US_ASCII), 0, 15);
                assertEquals("after the spell", s.pendingRead().get(20, TimeUnit.SECONDS), s.name());
                // And a new connection is served both ways.
                CompletableFuture<String> echo = serveOne(s);
                try (TcpSocket fresh = connect(s)) {
                    fresh.write("ping".getBytes(StandardCharsets.US_ASCII), 0, 4);
                    byte[] b = new byte[4];
                    assertEquals(4, readFully(fresh, b), s.name());
                    assertEquals("ping", new String(b, StandardCharsets.US_ASCII), s.name());
                }
                assertEquals("echoed", echo.get(20, TimeUnit.SECONDS), s.name());
            }
        } finally {
            for (Station s : stations) {
                s.client().close();
                s.server().close();
                s.selector().close();
                s.pipe().source().close();
                s.pipe().sink().close();
                s.fifoWriter().close();
            }
            schedulers.forEach(IoScheduler::close);
        }
    }

    private static Station station(String name, IoScheduler io, ThreadFactory threads) throws Exception {
        TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                64, false, io);
        // First connection, accepted before the pending accept below starts (so it cannot take it);
        // its server side reads, and that read stays pending through the spell.
        Station partial = new Station(name, io, server, threads, null, null, null, null, null, null, null, null, null);
        CompletableFuture<TcpSocket> first = OnThread.start(threads, server::accept);
        TcpSocket client = connect(partial);
        TcpSocket accepted = first.get(20, TimeUnit.SECONDS);
        CompletableFuture<String> read = OnThread.start(threads, () -> {
            try (accepted) {
                byte[] b = new byte[15];
                int n = readFully(accepted, b);
                return new String(b, 0, n, StandardCharsets.US_ASCII);
            }
        });
        // Then an accept that stays pending through the spell.
        CompletableFuture<String> accept = OnThread.start(threads, () -> {
            server.accept().close();
            return "accepted";
        });
        // And a select over a pipe's source, on Loomring's NIO provider, pending through the spell.
        io.loomring.nio.LoomringSelectorProvider provider = new io.loomring.nio.LoomringSelectorProvider(io);
        java.nio.channels.Pipe pipe = provider.openPipe();
        java.nio.channels.Selector selector = provider.openSelector();
        pipe.source().configureBlocking(false);
        pipe.source().register(selector, java.nio.channels.SelectionKey.OP_READ);
        CompletableFuture<Integer> select = OnThread.start(threads, selector::select);
        // And a read of a FIFO through Loomring's file channel. A writer is open first (java.io, read
        // and write: never waits), so the reader's open does not wait on either backend; its read does.
        Path fifo = Files.createTempDirectory("idle-spell").resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        fifo.getParent().toFile().deleteOnExit();
        fifo.toFile().deleteOnExit(); // deleted first: files registered later go first
        java.io.RandomAccessFile fifoWriter = new java.io.RandomAccessFile(fifo.toFile(), "rw");
        LoomringFileSystemProvider files = new LoomringFileSystemProvider(FileSystems.getDefault().provider(), io);
        CompletableFuture<String> fileRead = OnThread.start(threads, () -> {
            try (FileChannel ch = files.newFileChannel(fifo, Set.of(StandardOpenOption.READ))) {
                ByteBuffer b = ByteBuffer.allocate(4);
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // a FIFO may hand the bytes over in parts
                }
                return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
            }
        });
        return new Station(name, io, server, threads, accept, client, read, pipe, selector, select, fifoWriter,
                fileRead, files);
    }

    /** Writes, forces and reads back a small file through the station's provider. */
    private static String fileRoundTrip(Station s) throws IOException {
        Path file = Files.createTempFile("idle-spell", ".dat");
        try (FileChannel ch = s.files().newFileChannel(file,
                Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            ch.write(ByteBuffer.wrap("disk".getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            ByteBuffer b = ByteBuffer.allocate(4);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
        } finally {
            Files.delete(file);
        }
    }

    /** Accepts one connection on the station's threads and echoes four bytes. */
    private static CompletableFuture<String> serveOne(Station s) {
        return OnThread.start(s.threads(), () -> {
            try (TcpSocket c = s.server().accept()) {
                byte[] b = new byte[4];
                readFully(c, b);
                c.write(b, 0, 4);
            }
            return "echoed";
        });
    }

    private static TcpSocket connect(Station s) throws Exception {
        return OnThread.start(s.threads(), () -> TcpSocket.connect(s.server().localAddress(), WAIT, s.io()))
                .get(20, TimeUnit.SECONDS);
    }

    private static int readFully(TcpSocket socket, byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = socket.read(b, n, b.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
