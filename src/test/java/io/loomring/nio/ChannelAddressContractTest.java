package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.*;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Protocol families and addresses: INET, INET6 and UNIX channels, what {@code bind(null)} binds,
 * the types {@code getLocalAddress} and {@code getRemoteAddress} return, the dual-stack default of
 * the no-argument {@code open}, and addresses of the wrong family.
 */
class ChannelAddressContractTest extends ChannelCompatibilityContract {

    @Test
    void inetChannelsKnowBothEnds() throws Exception {
        bothEnds(V4);
    }

    @Test
    void inet6ChannelsKnowBothEnds() throws Exception {
        assumeIpv6();
        bothEnds(V6);
    }

    private void bothEnds(java.net.InetAddress loopback) throws Exception {
        try (ServerSocketChannel server = listen(loopback)) {
            InetSocketAddress at = (InetSocketAddress) server.getLocalAddress();
            assertEquals(loopback, at.getAddress());
            assertTrue(at.getPort() > 0);
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                assertTrue(c.isOpen() && c.isConnected() && !c.isConnectionPending() && c.isBlocking());
                assertEquals(at, c.getRemoteAddress());
                InetSocketAddress local = (InetSocketAddress) c.getLocalAddress();
                assertEquals(loopback, local.getAddress());
                assertTrue(local.getPort() > 0);
                assertEquals(local, a.getRemoteAddress());
                assertEquals(at, a.getLocalAddress());
                assertTrue(a.isConnected() && a.isBlocking(), "an accepted channel is connected and blocking");
                assertSame(provider(), c.provider());
                assertSame(provider(), a.provider());
                assertSame(provider(), server.provider());
            }
        }
    }

    @Test
    void unboundChannelsHaveNoAddresses() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(); ServerSocketChannel s = provider().openServerSocketChannel()) {
            assertNull(c.getLocalAddress());
            assertNull(c.getRemoteAddress());
            assertNull(s.getLocalAddress());
            assertFalse(c.isConnected());
        }
    }

    @Test
    void bindNullBindsTheWildcardAndAnEphemeralPort() throws Exception {
        try (ServerSocketChannel s = provider().openServerSocketChannel(StandardProtocolFamily.INET).bind(null);
                SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.INET).bind(null)) {
            InetSocketAddress sa = (InetSocketAddress) s.getLocalAddress();
            assertTrue(sa.getAddress().isAnyLocalAddress() && sa.getAddress() instanceof Inet4Address, () -> "got " + sa);
            assertTrue(sa.getPort() > 0);
            InetSocketAddress ca = (InetSocketAddress) c.getLocalAddress();
            assertTrue(ca.getAddress().isAnyLocalAddress() && ca.getPort() > 0, () -> "got " + ca);
            assertTrue(c.connect(new InetSocketAddress(V4, sa.getPort())), "a bound client connects");
            assertEquals(ca.getPort(), ((InetSocketAddress) c.getLocalAddress()).getPort());
            s.accept().close();
        }
    }

    @Test
    void defaultOpenIsDualStack() throws Exception {
        assumeIpv6();
        try (ServerSocketChannel server = provider().openServerSocketChannel().bind(new InetSocketAddress(0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            for (java.net.InetAddress to : new java.net.InetAddress[] {V4, V6}) {
                try (SocketChannel c = provider().openSocketChannel()) {
                    assertTrue(c.connect(new InetSocketAddress(to, port)));
                    try (SocketChannel a = server.accept()) {
                        InetSocketAddress remote = (InetSocketAddress) a.getRemoteAddress();
                        assertEquals(to, remote.getAddress(), "an IPv4 peer of a dual-stack socket reads as Inet4Address");
                        assertEquals(to, ((InetSocketAddress) c.getRemoteAddress()).getAddress());
                    }
                }
            }
        }
    }

    @Test
    void inetChannelRefusesIpv6AndUnixAddresses() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.INET);
                ServerSocketChannel s = provider().openServerSocketChannel(StandardProtocolFamily.INET)) {
            assertThrows(UnsupportedAddressTypeException.class, () -> c.connect(new InetSocketAddress(V6, 80)));
            assertThrows(UnsupportedAddressTypeException.class, () -> s.bind(new InetSocketAddress(V6, 0)));
            UnixDomainSocketAddress unix = UnixDomainSocketAddress.of(dir.resolve("x"));
            assertThrows(UnsupportedAddressTypeException.class, () -> c.bind(unix));
            assertThrows(UnsupportedAddressTypeException.class, () -> s.bind(unix));
            assertTrue(c.isOpen() && s.isOpen(), "a refused address leaves the channel open");
        }
    }

    @Test
    void unixChannelsKnowBothEnds() throws Exception {
        try (ServerSocketChannel server = listenUnix("s")) {
            UnixDomainSocketAddress at = (UnixDomainSocketAddress) server.getLocalAddress();
            assertEquals(dir.resolve("s"), at.getPath());
            assertTrue(Files.exists(at.getPath()), "binding creates the socket file");
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                assertTrue(c.isConnected());
                assertEquals(at, c.getRemoteAddress());
                UnixDomainSocketAddress unnamed = (UnixDomainSocketAddress) c.getLocalAddress();
                assertEquals(Path.of(""), unnamed.getPath(), "an unbound client's address is unnamed (empty path)");
                assertEquals(unnamed, a.getRemoteAddress());
                assertEquals(at, a.getLocalAddress());
                c.write(ascii("ping"));
                assertEquals("ping", readAscii(a, 4));
            }
        }
        assertTrue(Files.exists(dir.resolve("s")), "closing the server leaves the socket file behind");
    }

    @Test
    void unixBindNullBindsAGeneratedPath() throws Exception {
        try (ServerSocketChannel server = provider().openServerSocketChannel(StandardProtocolFamily.UNIX).bind(null)) {
            Path path = ((UnixDomainSocketAddress) server.getLocalAddress()).getPath();
            try {
                // In the JDK's temporary directory (jdk.net.unixdomain.tmpdir, else java.io.tmpdir).
                String tmp = System.getProperty("jdk.net.unixdomain.tmpdir", System.getProperty("java.io.tmpdir"));
                assertEquals(Path.of(tmp).toAbsolutePath(), path.toAbsolutePath().getParent(), () -> "got " + path);
                assertTrue(Files.exists(path), () -> path + " exists");
                try (SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.UNIX)) {
                    assertTrue(c.connect(server.getLocalAddress()));
                    server.accept().close();
                }
            } finally {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void unixClientBindNullStaysUnnamed() throws Exception {
        // Unlike a server channel's, a client channel's bind(null) binds no path in the JDK.
        try (ServerSocketChannel server = listenUnix("s");
                SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.UNIX).bind(null)) {
            Path bound = ((UnixDomainSocketAddress) c.getLocalAddress()).getPath();
            if (!bound.toString().isEmpty()) {
                Files.deleteIfExists(bound); // a generated path is not this test's to leave behind
            }
            assertEquals(Path.of(""), bound);
            assertTrue(c.connect(server.getLocalAddress()));
            try (SocketChannel a = server.accept()) {
                assertEquals(Path.of(""), ((UnixDomainSocketAddress) a.getRemoteAddress()).getPath());
            }
        }
    }

    @Test
    void unixClientBoundToAPathShowsItToThePeer() throws Exception {
        UnixDomainSocketAddress mine = UnixDomainSocketAddress.of(dir.resolve("client"));
        try (ServerSocketChannel server = listenUnix("s");
                SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.UNIX).bind(mine)) {
            assertEquals(mine, c.getLocalAddress());
            assertTrue(c.connect(server.getLocalAddress()));
            try (SocketChannel a = server.accept()) {
                assertEquals(mine, a.getRemoteAddress());
            }
        }
    }

    @Test
    void unixChannelRefusesInetAddresses() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.UNIX);
                ServerSocketChannel s = provider().openServerSocketChannel(StandardProtocolFamily.UNIX)) {
            assertThrows(UnsupportedAddressTypeException.class, () -> c.connect(new InetSocketAddress(V4, 80)));
            assertThrows(UnsupportedAddressTypeException.class, () -> s.bind(new InetSocketAddress(V4, 0)));
            assertThrows(UnsupportedAddressTypeException.class, () -> c.bind(new InetSocketAddress(V4, 0)));
        }
    }

    @Test
    void unixConnectToAMissingPathFails() throws Exception {
        try (SocketChannel c = provider().openSocketChannel(StandardProtocolFamily.UNIX)) {
            java.net.SocketException e = assertThrows(java.net.SocketException.class,
                    () -> c.connect(UnixDomainSocketAddress.of(dir.resolve("nobody"))));
            assertFalse(c.isOpen(), () -> "a failed connect closes the channel (" + e + ")");
        }
    }

    @Test
    void unixBindToAnExistingPathFails() throws Exception {
        Path taken = Files.createFile(dir.resolve("taken"));
        try (ServerSocketChannel s = provider().openServerSocketChannel(StandardProtocolFamily.UNIX)) {
            assertThrows(java.net.BindException.class, () -> s.bind(UnixDomainSocketAddress.of(taken)));
            assertNull(s.getLocalAddress());
        }
    }

    @Test
    void openWithAnUnknownFamilyIsUnsupported() {
        java.net.ProtocolFamily other = () -> "OTHER";
        assertThrows(UnsupportedOperationException.class, () -> provider().openSocketChannel(other));
        assertThrows(UnsupportedOperationException.class, () -> provider().openServerSocketChannel(other));
    }

    @Test
    void acceptedChannelOfAnIpv6ServerSeesIpv6() throws Exception {
        assumeIpv6();
        try (ServerSocketChannel server = listen(V6)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                assertInstanceOf(Inet6Address.class, ((InetSocketAddress) a.getRemoteAddress()).getAddress());
                assertInstanceOf(Inet6Address.class, ((InetSocketAddress) c.getLocalAddress()).getAddress());
            }
        }
    }
}
