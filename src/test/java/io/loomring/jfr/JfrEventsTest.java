package io.loomring.jfr;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import io.loomring.files.LoomringFileSystemProvider;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import io.loomring.nio.LoomringSelectorProvider;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Loomring's JFR events, recorded with JFR's own API while real sockets, channels and files work
 * on each backend, then read back from the recording: every field as documented. Events of other
 * sockets (other tests' threads) are told apart by port or path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    private static final String READ = "io.loomring.SocketRead";
    private static final String WRITE = "io.loomring.SocketWrite";
    private static final String ACCEPT = "io.loomring.SocketAccept";
    private static final String CONNECT = "io.loomring.SocketConnect";

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void socketEventsCarryTheJdksFields(Backend backend, @TempDir Path dir) throws Exception {
        TestBackends.assumeAvailable(backend);
        int serverPort;
        int clientPort;
        List<RecordedEvent> events;
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
                Recording recording = socketRecording()) {
            recording.start();
            try (TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0), 16, false, io)) {
                serverPort = server.localAddress().getPort();
                Thread peer = Thread.ofVirtual().start(() -> {
                    try (TcpSocket s = server.accept()) {
                        byte[] b = new byte[5];
                        int n = s.read(b, 0, 5);
                        s.write(b, 0, n);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (TcpSocket client = TcpSocket.connect(server.localAddress(), Duration.ofSeconds(7), io)) {
                    clientPort = client.localAddress().getPort();
                    client.setReadTimeout(Duration.ofSeconds(3));
                    client.write("hello".getBytes(), 0, 5);
                    byte[] b = new byte[5];
                    assertEquals(5, client.read(b, 0, 5));
                    peer.join();
                    assertEquals(-1, client.read(b, 0, 5)); // the peer closed: end of stream
                }
            }
            events = stop(recording, dir);
        }
        RecordedEvent accept = only(events, ACCEPT, e -> e.getInt("localPort") == serverPort);
        assertEquals("127.0.0.1", accept.getString("host"));
        assertEquals("127.0.0.1", accept.getString("address"));
        assertEquals(clientPort, accept.getInt("port"));
        assertEquals(0, accept.getLong("timeout"));

        RecordedEvent connect = only(events, CONNECT, e -> e.getInt("port") == serverPort);
        assertEquals("127.0.0.1", connect.getString("host"));
        assertEquals(7000, connect.getLong("timeout"), "milliseconds, as jdk.SocketRead's timeout");

        // The client's reads: 5 bytes, then end of stream; both with its 3 s timeout.
        List<RecordedEvent> clientReads = all(events, READ, e -> e.getInt("port") == serverPort);
        assertEquals(2, clientReads.size(), clientReads.toString());
        assertEquals(5, clientReads.get(0).getLong("bytesRead"));
        assertFalse(clientReads.get(0).getBoolean("endOfStream"));
        assertEquals(0, clientReads.get(1).getLong("bytesRead"));
        assertTrue(clientReads.get(1).getBoolean("endOfStream"));
        assertEquals(3000, clientReads.get(0).getLong("timeout"));
        // The server side's read and write name the client's port.
        RecordedEvent serverRead = only(events, READ, e -> e.getInt("port") == clientPort);
        assertEquals(5, serverRead.getLong("bytesRead"));
        assertEquals(0, serverRead.getLong("timeout"));
        assertEquals(5, only(events, WRITE, e -> e.getInt("port") == clientPort).getLong("bytesWritten"));
        RecordedEvent clientWrite = only(events, WRITE, e -> e.getInt("port") == serverPort);
        assertEquals(5, clientWrite.getLong("bytesWritten"));
        // The stack starts at the I/O call, not inside the event plumbing.
        String top = clientWrite.getStackTrace().getFrames().get(0).getMethod().getType().getName();
        assertEquals("io.loomring.socket.SocketWriter", top);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void channelsRecordTheSameEvents(Backend backend, @TempDir Path dir) throws Exception {
        TestBackends.assumeAvailable(backend);
        int serverPort;
        int clientPort;
        List<RecordedEvent> events;
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
                Recording recording = socketRecording()) {
            LoomringSelectorProvider provider = new LoomringSelectorProvider(io);
            recording.start();
            try (ServerSocketChannel server = provider.openServerSocketChannel()) {
                server.bind(new InetSocketAddress("127.0.0.1", 0));
                serverPort = ((InetSocketAddress) server.getLocalAddress()).getPort();
                try (SocketChannel client = provider.openSocketChannel()) {
                    client.connect(server.getLocalAddress());
                    clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
                    try (SocketChannel accepted = server.accept()) {
                        client.write(ByteBuffer.wrap(new byte[100]));
                        ByteBuffer in = ByteBuffer.allocate(100);
                        while (in.hasRemaining()) {
                            accepted.read(in);
                        }
                    }
                }
            }
            events = stop(recording, dir);
        }
        assertEquals(100, only(events, WRITE, e -> e.getInt("port") == serverPort).getLong("bytesWritten"));
        assertEquals(serverPort, only(events, ACCEPT, e -> e.getInt("localPort") == serverPort).getInt("localPort"));
        only(events, CONNECT, e -> e.getInt("port") == serverPort);
        long read = all(events, READ, e -> e.getInt("port") == clientPort).stream()
                .mapToLong(e -> e.getLong("bytesRead")).sum();
        assertTrue(read >= 100, "bytes read by the accepted channel: " + read);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void fileChannelEventsCarryThePathAndBytes(Backend backend, @TempDir Path dir) throws Exception {
        TestBackends.assumeAvailable(backend);
        Path file = dir.resolve("data.bin");
        List<RecordedEvent> events;
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
                Recording recording = new Recording()) {
            recording.enable("io.loomring.FileRead").withoutThreshold();
            recording.enable("io.loomring.FileWrite").withoutThreshold();
            LoomringFileSystemProvider provider =
                    new LoomringFileSystemProvider(FileSystems.getDefault().provider(), io);
            recording.start();
            try (FileChannel ch = provider.newFileChannel(file, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE))) {
                ch.write(ByteBuffer.wrap(new byte[3000]), 0);
                ch.write(new ByteBuffer[] {ByteBuffer.allocate(10), ByteBuffer.allocate(20)});
                ByteBuffer in = ByteBuffer.allocate(4000);
                assertEquals(3000, ch.read(in, 0));
                assertEquals(-1, ch.read(ByteBuffer.allocate(10), 5000));
            }
            events = stop(recording, dir);
        }
        Predicate<RecordedEvent> ours = e -> file.toString().equals(e.getString("path"));
        List<RecordedEvent> writes = all(events, "io.loomring.FileWrite", ours);
        assertEquals(List.of(3000L, 30L), writes.stream().map(e -> e.getLong("bytesWritten")).toList());
        List<RecordedEvent> reads = all(events, "io.loomring.FileRead", ours);
        assertEquals(2, reads.size(), reads.toString());
        assertEquals(3000, reads.get(0).getLong("bytesRead"));
        assertFalse(reads.get(0).getBoolean("endOfFile"));
        assertTrue(reads.get(1).getBoolean("endOfFile"));
    }

    /**
     * The settings file in the jar (1 ms threshold, throttled as the JDK's own socket events) takes
     * a read that waited for its bytes. A throttled event decides only once its duration is fixed:
     * asked before its end, it never committed.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void theShippedSettingsRecordAReadThatWaited(Backend backend, @TempDir Path dir) throws Exception {
        TestBackends.assumeAvailable(backend);
        int serverPort;
        List<RecordedEvent> events;
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
                Reader jfc = new InputStreamReader(EventGate.class.getResourceAsStream("loomring.jfc"),
                        StandardCharsets.UTF_8);
                Recording recording = new Recording(Configuration.create(jfc))) {
            recording.start();
            try (TcpServerSocket server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0), 16, false, io)) {
                serverPort = server.localAddress().getPort();
                CountDownLatch reading = new CountDownLatch(1);
                Thread client = Thread.currentThread();
                Thread peer = Thread.ofVirtual().start(() -> {
                    try (TcpSocket s = server.accept()) {
                        // The 100 ms count from when the client waits in its read, not from the
                        // accept: a client slow to return from connect would shorten its wait.
                        reading.await();
                        await().until(() -> client.getState() == Thread.State.WAITING
                                || client.getState() == Thread.State.TIMED_WAITING);
                        Thread.sleep(100);
                        s.write(new byte[7], 0, 7);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (TcpSocket socket = TcpSocket.connect(server.localAddress(), Duration.ZERO, io)) {
                    reading.countDown();
                    assertEquals(7, socket.read(new byte[7], 0, 7));
                }
                peer.join();
            }
            events = stop(recording, dir);
        }
        RecordedEvent read = only(events, READ, e -> e.getInt("port") == serverPort && e.getLong("bytesRead") == 7);
        assertTrue(read.getDuration().toMillis() >= 90, "waited " + read.getDuration());
    }

    private static Recording socketRecording() {
        Recording recording = new Recording();
        for (String name : List.of(READ, WRITE, ACCEPT, CONNECT)) {
            recording.enable(name).withoutThreshold().withStackTrace();
        }
        return recording;
    }

    static List<RecordedEvent> stop(Recording recording, Path dir) throws IOException {
        recording.stop();
        Path file = Files.createTempFile(dir, "recording", ".jfr");
        recording.dump(file);
        return RecordingFile.readAllEvents(file);
    }

    static List<RecordedEvent> all(List<RecordedEvent> events, String name, Predicate<RecordedEvent> which) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).filter(which)
                .sorted((a, b) -> a.getStartTime().compareTo(b.getStartTime())).toList();
    }

    static RecordedEvent only(List<RecordedEvent> events, String name, Predicate<RecordedEvent> which) {
        List<RecordedEvent> found = all(events, name, which);
        assertEquals(1, found.size(), name + ": " + found);
        assertNotNull(found.get(0).getDuration());
        return found.get(0);
    }
}
