package io.loomring.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.nio.DatagramImpls.Impl;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DatagramChannel's contract, each test run against the JDK's provider and Loomring's on both
 * backends: what the JDK's channel does, Loomring's does.
 */
class DatagramChannelContractTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static DatagramImpls impls;

    @BeforeAll
    static void start() {
        impls = new DatagramImpls();
    }

    @AfterAll
    static void stop() {
        impls.close();
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(US_ASCII));
    }

    static String text(ByteBuffer b) {
        b.flip();
        return US_ASCII.decode(b).toString();
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void sendAndReceive(Impl impl) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            assertEquals(5, b.send(ascii("hello"), a.getLocalAddress()));
            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(b.getLocalAddress(), a.receive(buf));
            assertEquals("hello", text(buf));
            // A direct buffer, and an empty datagram.
            assertEquals(0, a.send(ByteBuffer.allocate(0), b.getLocalAddress()));
            ByteBuffer direct = ByteBuffer.allocateDirect(8);
            assertEquals(a.getLocalAddress(), b.receive(direct));
            assertEquals(0, direct.position());
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void sendBindsImplicitly(Impl impl) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl);
             DatagramChannel b = impls.open(impl, StandardProtocolFamily.INET)) {
            assertNull(b.getLocalAddress());
            assertEquals(3, b.send(ascii("abc"), a.getLocalAddress()));
            InetSocketAddress local = (InetSocketAddress) b.getLocalAddress();
            assertNotEquals(0, local.getPort());
            assertTrue(local.getAddress().isAnyLocalAddress(), local::toString);
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertEquals(local.getPort(), ((InetSocketAddress) a.receive(buf)).getPort());
        }
    }

    /** The default family is a dual-stack INET6 socket: it receives IPv4 datagrams, from IPv4 senders. */
    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void defaultFamilyIsDualStack(Impl impl) throws IOException {
        try (DatagramChannel dual = impls.provider(impl).openDatagramChannel().bind(null);
             DatagramChannel v4 = impls.boundV4(impl)) {
            InetSocketAddress local = (InetSocketAddress) dual.getLocalAddress();
            assumeTrue(local.getAddress() instanceof Inet6Address, "no IPv6 here");
            assertTrue(local.getAddress().isAnyLocalAddress());
            v4.send(ascii("v4"), new InetSocketAddress(DatagramImpls.V4, local.getPort()));
            ByteBuffer buf = ByteBuffer.allocate(8);
            SocketAddress sender = dual.receive(buf);
            assertEquals(v4.getLocalAddress(), sender);
            assertInstanceOf(Inet4Address.class, ((InetSocketAddress) sender).getAddress());
            assertEquals("v4", text(buf));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void ipv6Loopback(Impl impl) throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        try (DatagramChannel a = impls.open(impl, StandardProtocolFamily.INET6);
             DatagramChannel b = impls.open(impl, StandardProtocolFamily.INET6)) {
            try {
                a.bind(new InetSocketAddress(v6, 0));
            } catch (IOException e) {
                assumeTrue(false, "no IPv6 loopback here: " + e);
            }
            b.bind(new InetSocketAddress(v6, 0));
            b.send(ascii("six"), a.getLocalAddress());
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertEquals(b.getLocalAddress(), a.receive(buf));
            assertEquals("six", text(buf));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void familiesAndAddresses(Impl impl) throws IOException {
        SelectorProvider provider = impls.provider(impl); // outside assertThrows: it may skip the test
        UnsupportedOperationException unix = assertThrows(UnsupportedOperationException.class,
                () -> provider.openDatagramChannel(StandardProtocolFamily.UNIX));
        assertTrue(unix.getMessage().contains("not supported"), unix::getMessage);
        assertThrows(NullPointerException.class, () -> provider.openDatagramChannel(null));
        try (DatagramChannel v4 = impls.open(impl, StandardProtocolFamily.INET)) {
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 9);
            assertThrows(UnsupportedAddressTypeException.class, () -> v4.send(ascii("x"), v6));
            assertThrows(UnsupportedAddressTypeException.class, () -> v4.connect(v6));
            assertThrows(UnsupportedAddressTypeException.class, () -> v4.bind(v6));
            InetSocketAddress unresolved = InetSocketAddress.createUnresolved("nowhere.invalid", 9);
            assertThrows(UnresolvedAddressException.class, () -> v4.send(ascii("x"), unresolved));
            assertThrows(UnresolvedAddressException.class, () -> v4.connect(unresolved));
            assertThrows(UnresolvedAddressException.class, () -> v4.bind(unresolved));
            assertThrows(UnsupportedAddressTypeException.class, () -> v4.send(ascii("x"), new SocketAddress() {}));
            v4.bind(null);
            assertThrows(AlreadyBoundException.class, () -> v4.bind(null));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void connectedReadWrite(Impl impl) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl);
             DatagramChannel other = impls.boundV4(impl)) {
            SocketAddress aLocal = a.getLocalAddress();
            assertFalse(a.isConnected());
            assertNull(a.getRemoteAddress());
            // Queued before the connect, from a peer the connected channel will not hear: dropped.
            other.send(ascii("stale"), aLocal);
            a.connect(b.getLocalAddress());
            b.connect(aLocal);
            assertTrue(a.isConnected());
            assertEquals(b.getLocalAddress(), a.getRemoteAddress());
            assertEquals(aLocal, a.getLocalAddress());
            assertThrows(AlreadyConnectedException.class, () -> a.connect(b.getLocalAddress()));
            assertThrows(AlreadyConnectedException.class, () -> a.send(ascii("x"), other.getLocalAddress()));

            assertEquals(4, b.write(ascii("ping")));
            ByteBuffer buf = ByteBuffer.allocate(16);
            assertEquals(4, a.read(buf));
            assertEquals("ping", text(buf));
            assertEquals(2, b.send(ascii("to"), aLocal)); // send to the peer itself is allowed
            buf.clear();
            assertEquals(b.getLocalAddress(), a.receive(buf));
            assertEquals(0, a.read(ByteBuffer.allocate(0)));

            a.disconnect();
            assertFalse(a.isConnected());
            assertNull(a.getRemoteAddress());
            assertEquals(aLocal, a.getLocalAddress(), "disconnect keeps the port");
            a.disconnect(); // again: nothing to do
            assertThrows(NotYetConnectedException.class, () -> a.read(ByteBuffer.allocate(1)));
        }
    }

    /** Linux drops an ephemeral port at disconnect; the channel keeps it, as the JDK's does. */
    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void dualStackDisconnectKeepsEphemeralPort(Impl impl) throws IOException {
        try (DatagramChannel dual = impls.provider(impl).openDatagramChannel().bind(null);
             DatagramChannel v4 = impls.boundV4(impl)) {
            SocketAddress before = dual.getLocalAddress();
            dual.connect(v4.getLocalAddress());
            assertEquals(v4.getLocalAddress(), dual.getRemoteAddress());
            dual.disconnect();
            assertEquals(before, dual.getLocalAddress());
            v4.send(ascii("back"), new InetSocketAddress(DatagramImpls.V4, ((InetSocketAddress) before).getPort()));
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertEquals(v4.getLocalAddress(), dual.receive(buf));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void scatterAndGather(Impl impl) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            a.connect(b.getLocalAddress());
            b.connect(a.getLocalAddress());
            ByteBuffer[] out = {ascii("ab"), ByteBuffer.allocate(0), ascii("cde")};
            assertEquals(5, a.write(out, 0, 3));
            assertFalse(out[0].hasRemaining());
            assertFalse(out[2].hasRemaining());
            ByteBuffer first = ByteBuffer.allocate(2);
            ByteBuffer second = ByteBuffer.allocateDirect(10);
            assertEquals(5, b.read(new ByteBuffer[] {first, second}));
            assertEquals("ab", text(first));
            second.flip();
            byte[] rest = new byte[second.remaining()];
            second.get(rest);
            assertEquals("cde", new String(rest, US_ASCII));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void notConnected(Impl impl) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl)) {
            assertThrows(NotYetConnectedException.class, () -> a.read(ByteBuffer.allocate(1)));
            assertThrows(NotYetConnectedException.class, () -> a.write(ascii("x")));
            assertThrows(NotYetConnectedException.class, () -> a.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(NotYetConnectedException.class, () -> a.write(new ByteBuffer[] {ascii("x")}));
            a.configureBlocking(false);
            assertThrows(NotYetConnectedException.class, () -> a.read(ByteBuffer.allocate(1)));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void nonBlockingReceiveReturnsNull(Impl impl) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            a.configureBlocking(false);
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertNull(a.receive(buf));
            assertEquals(0, buf.position());
            b.send(ascii("late"), a.getLocalAddress());
            await().atMost(PROMPTLY).until(() -> a.receive(buf) != null);
            assertEquals("late", text(buf));
            a.connect(b.getLocalAddress());
            assertEquals(0, a.read(ByteBuffer.allocate(8)), "nothing there: 0");
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void longDatagramIsTruncated(Impl impl) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            byte[] big = new byte[100];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            assertEquals(100, b.send(ByteBuffer.wrap(big), a.getLocalAddress()));
            b.send(ascii("next"), a.getLocalAddress());
            ByteBuffer small = ByteBuffer.allocate(10);
            assertEquals(b.getLocalAddress(), a.receive(small));
            assertEquals(10, small.position());
            for (int i = 0; i < 10; i++) {
                assertEquals(i, small.get(i));
            }
            ByteBuffer buf = ByteBuffer.allocate(64);
            a.receive(buf);
            assertEquals("next", text(buf), "the rest of the long datagram is gone");
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void portUnreachableOnConnectedChannel(Impl impl) throws IOException {
        SocketAddress gone;
        try (DatagramChannel c = impls.boundV4(impl)) {
            gone = c.getLocalAddress();
        }
        try (DatagramChannel a = impls.boundV4(impl)) {
            a.connect(gone);
            a.configureBlocking(false);
            a.write(ascii("anyone?"));
            await().atMost(PROMPTLY).until(() -> {
                try {
                    a.read(ByteBuffer.allocate(8));
                    return false;
                } catch (PortUnreachableException expected) {
                    return true;
                }
            });
            assertTrue(a.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void options(Impl impl) throws IOException {
        try (DatagramChannel a = impls.open(impl, StandardProtocolFamily.INET)) {
            assertTrue(a.supportedOptions().containsAll(DatagramOptions.SUPPORTED));
            a.setOption(StandardSocketOptions.SO_RCVBUF, 65536);
            assertTrue(a.getOption(StandardSocketOptions.SO_RCVBUF) >= 65536);
            a.setOption(StandardSocketOptions.SO_SNDBUF, 32768);
            assertTrue(a.getOption(StandardSocketOptions.SO_SNDBUF) >= 32768);
            for (boolean on : new boolean[] {true, false}) {
                a.setOption(StandardSocketOptions.SO_REUSEADDR, on);
                assertEquals(on, a.getOption(StandardSocketOptions.SO_REUSEADDR));
                a.setOption(StandardSocketOptions.SO_REUSEPORT, on);
                assertEquals(on, a.getOption(StandardSocketOptions.SO_REUSEPORT));
                a.setOption(StandardSocketOptions.SO_BROADCAST, on);
                assertEquals(on, a.getOption(StandardSocketOptions.SO_BROADCAST));
            }
            a.setOption(StandardSocketOptions.IP_TOS, 0x10);
            assertEquals(0x10, a.getOption(StandardSocketOptions.IP_TOS));
            assertThrows(IllegalArgumentException.class, () -> a.setOption(StandardSocketOptions.SO_RCVBUF, -1));
            assertThrows(IllegalArgumentException.class, () -> a.setOption(StandardSocketOptions.IP_TOS, 256));
            assertThrows(UnsupportedOperationException.class,
                    () -> a.setOption(StandardSocketOptions.TCP_NODELAY, true));
            assertThrows(NullPointerException.class, () -> a.getOption(null));
        }
        try (DatagramChannel six = impls.provider(impl).openDatagramChannel()) {
            six.setOption(StandardSocketOptions.IP_TOS, 0x20);
            assertEquals(0x20, six.getOption(StandardSocketOptions.IP_TOS));
        }
    }

    /** The JDK's channel does multicast and has socket(); Loomring's refuses both, saying so. */
    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void multicastIsRefusedByName(Impl impl) throws IOException {
        assumeTrue(impl.isLoomring(), "the JDK's channel supports multicast");
        try (DatagramChannel a = impls.open(impl, StandardProtocolFamily.INET)) {
            InetAddress group = InetAddress.getByName("239.1.2.3");
            for (var call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                    () -> a.join(group, null),
                    () -> a.join(group, null, DatagramImpls.V4),
                    () -> a.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 2),
                    () -> a.getOption(StandardSocketOptions.IP_MULTICAST_LOOP))) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, call);
                assertTrue(e.getMessage().contains("does not support multicast"), e::getMessage);
            }
            assertFalse(a.supportedOptions().contains(StandardSocketOptions.IP_MULTICAST_IF));
            // The DatagramSocket adaptor is not offered either, and says which call it refuses.
            UnsupportedOperationException adaptor = assertThrows(UnsupportedOperationException.class, a::socket);
            assertTrue(adaptor.getMessage().contains("socket()"), adaptor::getMessage);
            assertTrue(a.isOpen());
        }
    }
}
