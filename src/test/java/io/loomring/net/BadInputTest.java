package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Fds;
import io.loomring.IoScheduler;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad arguments and misuse get clear exceptions; nothing leaks. */
class BadInputTest {
    private static final Duration LONG = Duration.ofSeconds(5);
    private static IoScheduler io;

    @BeforeAll
    static void start() {
        io = IoScheduler.builder().build();
    }

    @AfterAll
    static void stop() {
        io.close();
    }

    @Test
    void nullsAreRejected() throws Exception {
        assertThrows(NullPointerException.class, () -> TcpServerSocket.bind(null));
        assertThrows(NullPointerException.class, () -> TcpServerSocket.bind(Loopback.anyPortV4(), 1, false, null));
        assertThrows(NullPointerException.class, () -> TcpSocket.connect(null));
        assertThrows(NullPointerException.class, () -> TcpSocket.connect(Loopback.anyPortV4(), null));
        try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket c = TcpSocket.connect(server.localAddress(), LONG, io)) {
            assertThrows(NullPointerException.class, () -> server.accept(null));
            assertThrows(NullPointerException.class, () -> c.read((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> c.write((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> c.read((byte[]) null, 0, 1));
            assertThrows(NullPointerException.class, () -> c.read((ByteBuffer[]) null, 0, 1));
            assertThrows(NullPointerException.class, () -> c.write((byte[]) null, 0, 1));
            assertThrows(NullPointerException.class, () -> c.write((ByteBuffer[]) null, 0, 1));
            assertThrows(NullPointerException.class, () -> c.write(new ByteBuffer[] {ByteBuffer.allocate(1), null}));
            assertThrows(NullPointerException.class, () -> c.setReadTimeout(null));
            assertTrue(c.isOpen(), "bad arguments do not close the socket");
        }
    }

    @Test
    void badRangesAndValues() throws Exception {
        try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket c = TcpSocket.connect(server.localAddress(), LONG, io)) {
            byte[] b = new byte[8];
            assertThrows(IndexOutOfBoundsException.class, () -> c.read(b, -1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> c.read(b, 0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> c.read(b, 4, 5));
            assertThrows(IndexOutOfBoundsException.class, () -> c.write(b, 0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> c.write(b, 7, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> c.inputStream().read(b, 0, 9));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> c.read(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 2));
            assertThrows(IllegalArgumentException.class, () -> c.read(ByteBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> c.setReadTimeout(Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> c.setWriteTimeout(Duration.ofNanos(-1)));
            assertThrows(IllegalArgumentException.class, () -> c.setReceiveBufferSize(0));
            assertThrows(IllegalArgumentException.class, () -> c.setSendBufferSize(-5));
            assertThrows(IllegalArgumentException.class, () -> server.accept(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> TcpServerSocket.bind(Loopback.anyPortV4(), 0, false, io));
            assertEquals(0, c.read(b, 3, 0), "zero-length read returns at once");
            assertEquals(0, c.read(ByteBuffer.allocate(0)));
            assertEquals(0, c.write(ByteBuffer.allocate(0)));
            assertTrue(c.isOpen());
        }
    }

    @Test
    void closedSocketsThrowClosedChannelException() throws Exception {
        long fdsBefore = Fds.openFdCount();
        TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
        TcpSocket c = TcpSocket.connect(server.localAddress(), LONG, io);
        InetSocketAddress remote = c.remoteAddress();
        c.close();
        c.close(); // idempotent
        server.close();
        server.close();
        assertFalse(c.isOpen());
        assertEquals(remote, c.remoteAddress(), "the remote address is still known");
        assertThrows(ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> c.read(new byte[1], 0, 1));
        assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> c.write(new byte[1], 0, 1));
        assertThrows(ClosedChannelException.class, () -> c.write(new ByteBuffer[] {ByteBuffer.allocate(1)}));
        assertThrows(ClosedChannelException.class, () -> c.inputStream().read());
        assertThrows(ClosedChannelException.class, () -> c.outputStream().write(1));
        assertThrows(ClosedChannelException.class, c::shutdownInput);
        assertThrows(ClosedChannelException.class, c::shutdownOutput);
        assertThrows(ClosedChannelException.class, () -> c.setTcpNoDelay(true));
        assertThrows(ClosedChannelException.class, () -> c.connectTo(remote, LONG));
        assertThrows(ClosedChannelException.class, server::accept);
        assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
    }

    @Test
    void kernelErrorsMapToJdkExceptions() throws Exception {
        InetSocketAddress freePort;
        try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            freePort = server.localAddress();
            BindException inUse = assertThrows(BindException.class,
                    () -> TcpServerSocket.bind(server.localAddress(), 16, false, io));
            assertEquals("Address already in use (EADDRINUSE) binding " + server.localAddress(), inUse.getMessage());
        }
        ConnectException refused = assertThrows(ConnectException.class, () -> TcpSocket.connect(freePort, LONG, io));
        assertEquals("Connection refused (ECONNREFUSED) connecting to " + freePort, refused.getMessage());
        assertThrows(UnknownHostException.class,
                () -> TcpSocket.connect(InetSocketAddress.createUnresolved("nowhere.invalid", 80), LONG, io));
        assertThrows(UnknownHostException.class,
                () -> TcpServerSocket.bind(InetSocketAddress.createUnresolved("nowhere.invalid", 80)));
        assertThrows(BindException.class, // not an address of this machine
                () -> TcpServerSocket.bind(new InetSocketAddress("192.0.2.1", 0), 16, false, io));
    }

    @Test
    void connectionStateMisuse() throws Exception {
        try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            TcpSocket unconnected = TcpSocket.open(StandardProtocolFamily.INET, io);
            try (unconnected) {
                assertThrows(NotYetConnectedException.class, () -> unconnected.read(ByteBuffer.allocate(1)));
                assertThrows(NotYetConnectedException.class, () -> unconnected.write(new byte[1], 0, 1));
                assertNull(unconnected.remoteAddress());
                assertNull(unconnected.localAddress());
                assertThrows(UnsupportedAddressTypeException.class, // IPv6 target, IPv4 socket
                        () -> unconnected.connectTo(new InetSocketAddress(Loopback.V6, 1), LONG));
            }
            try (TcpSocket c = TcpSocket.connect(server.localAddress(), LONG, io)) {
                assertThrows(AlreadyConnectedException.class, () -> c.connectTo(server.localAddress(), LONG));
                assertTrue(c.isOpen());
            }
            assertThrows(UnsupportedOperationException.class, () -> TcpSocket.open(StandardProtocolFamily.UNIX, io));
        }
    }

    @Test
    void sharedSchedulerDefaults() throws Exception {
        try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4());
             TcpSocket c = TcpSocket.connect(server.localAddress());
             TcpSocket s = server.accept()) {
            c.write(new byte[] {42}, 0, 1);
            assertEquals(42, s.inputStream().read());
            assertTrue(server.toString().contains(String.valueOf(server.localAddress().getPort())));
        }
    }

    /** An argument {@code connect} refuses is refused before any fd is opened, or the fd is closed. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void negativeConnectTimeoutLeaksNoFd() throws Exception {
        try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            InetSocketAddress target = server.localAddress();
            long before = Fds.openFdCount();
            for (int i = 0; i < 20; i++) {
                assertThrows(IllegalArgumentException.class,
                        () -> TcpSocket.connect(target, Duration.ofMillis(-1), io));
            }
            assertEquals(before, Fds.openFdCount(), "connect with a negative timeout leaked its socket fd");
        }
    }
}
