package io.loomring.net;

import io.loomring.UnresponsiveListener;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

/**
 * What {@code java.net.Socket} and {@code ServerSocket} promise, asserted once and run against
 * the JDK's own sockets ({@link JdkSocketCompatibilityTest}) and against Loomring's on each backend
 * ({@link LoomringIoUringSocketCompatibilityTest}, {@link LoomringEpollSocketCompatibilityTest}).
 * A behaviour that differs on purpose is asserted for both sides in the same test, through
 * {@link #isLoomring()}, so it stays visible here. Blocking calls run on virtual threads.
 */
abstract class SocketCompatibilityContract {
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    /** The client sockets under test. */
    abstract SocketFactory clients();

    /** The server sockets under test. */
    abstract ServerSocketFactory servers();

    /** True for Loomring's sockets, where a documented difference applies. */
    abstract boolean isLoomring();

    // ---------------------------------------------------------------- helpers

    private ServerSocket listen(InetAddress address) throws IOException {
        return servers().createServerSocket(0, 50, address);
    }

    private Socket connect(ServerSocket server) throws IOException {
        return clients().createSocket(server.getInetAddress(), server.getLocalPort());
    }

    /** Connects a client to {@code server} and returns both ends: [client, accepted]. */
    private Socket[] pair(ServerSocket server) throws Exception {
        Future<Socket> accepted = virtual(server::accept);
        Socket client = connect(server);
        return new Socket[] {client, accepted.get(10, TimeUnit.SECONDS)};
    }

    private static <T> Future<T> virtual(Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread.ofVirtual().start(task);
        return task;
    }

    /** Starts {@code body} on a virtual thread and waits until it parks (blocked in the call). */
    private static Thread blocked(AtomicReference<Throwable> thrown, Callable<?> body) {
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                body.call();
                thrown.set(new AssertionError("returned instead of blocking"));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        await().atMost(PROMPTLY).until(() -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING || !t.isAlive());
        assertTrue(t.isAlive(), () -> "ended before being woken: " + thrown.get());
        return t;
    }

    private static Throwable outcome(Thread t, AtomicReference<Throwable> thrown) throws InterruptedException {
        assertTrue(t.join(PROMPTLY), "still blocked");
        return thrown.get();
    }

    private static void assertSocketClosed(Throwable t) {
        assertEquals(SocketException.class, t.getClass(), () -> "got " + t);
        assertEquals("Socket closed", t.getMessage());
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.SplittableRandom(seed).nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------- connecting and streams

    @Test
    void echoOverIpv4() throws Exception {
        echo(Loopback.V4);
    }

    @Test
    void echoOverIpv6() throws Exception {
        Loopback.assumeIpv6();
        echo(Loopback.V6);
    }

    private void echo(InetAddress loopback) throws Exception {
        try (ServerSocket server = listen(loopback)) {
            assertEquals(loopback, server.getInetAddress());
            assertTrue(server.getLocalPort() > 0);
            Future<Void> echoer = virtual(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                }
                return null;
            });
            try (Socket c = connect(server)) {
                assertTrue(c.isConnected() && c.isBound() && !c.isClosed());
                assertEquals(loopback, c.getInetAddress());
                assertEquals(server.getLocalPort(), c.getPort());
                assertEquals(loopback, c.getLocalAddress());
                assertTrue(c.getLocalPort() > 0);
                assertEquals(new InetSocketAddress(loopback, server.getLocalPort()), c.getRemoteSocketAddress());
                c.getOutputStream().write("hello".getBytes(US_ASCII));
                c.getOutputStream().write('!');
                c.shutdownOutput();
                assertEquals("hello!", new String(c.getInputStream().readAllBytes(), US_ASCII));
            }
            echoer.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void acceptedSocketKnowsBothEnds() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                assertTrue(a.isConnected() && a.isBound());
                assertEquals(c.getLocalPort(), a.getPort());
                assertEquals(server.getLocalPort(), a.getLocalPort());
                assertEquals(Loopback.V4, a.getInetAddress());
                assertEquals(Loopback.V4, a.getLocalAddress());
            }
        }
    }

    @Test
    void largeTransferBothWaysAtOnce() throws Exception {
        byte[] up = random(4 << 20, 1);
        byte[] down = random(4 << 20, 2);
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                Future<byte[]> serverSide = virtual(() -> {
                    Future<Void> send = virtual(() -> {
                        a.getOutputStream().write(down);
                        a.shutdownOutput();
                        return null;
                    });
                    byte[] got = a.getInputStream().readAllBytes();
                    send.get();
                    return got;
                });
                Future<Void> send = virtual(() -> {
                    OutputStream out = c.getOutputStream();
                    for (int off = 0; off < up.length; off += 65_000) {
                        out.write(up, off, Math.min(65_000, up.length - off));
                    }
                    c.shutdownOutput();
                    return null;
                });
                assertArrayEquals(down, c.getInputStream().readAllBytes());
                send.get(30, TimeUnit.SECONDS);
                assertArrayEquals(up, serverSide.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void bindBeforeConnect() throws Exception {
        try (ServerSocket server = listen(Loopback.V4); Socket c = clients().createSocket()) {
            assertFalse(c.isBound());
            c.bind(new InetSocketAddress(Loopback.V4, 0));
            assertTrue(c.isBound());
            int localPort = c.getLocalPort();
            assertTrue(localPort > 0);
            Future<Socket> accepted = virtual(server::accept);
            c.connect(server.getLocalSocketAddress());
            try (Socket a = accepted.get(10, TimeUnit.SECONDS)) {
                assertEquals(localPort, c.getLocalPort());
                assertEquals(localPort, a.getPort());
            }
        }
    }

    @Test
    void factoryBindsTheLocalAddressItIsGiven() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Future<Socket> accepted = virtual(server::accept);
            try (Socket c = clients().createSocket(Loopback.V4, server.getLocalPort(), Loopback.V4, 0);
                 Socket a = accepted.get(10, TimeUnit.SECONDS)) {
                assertEquals(c.getLocalPort(), a.getPort());
            }
        }
    }

    @Test
    void wildcardServerAcceptsIpv4AndIpv6() throws Exception {
        Loopback.assumeIpv6();
        try (ServerSocket server = servers().createServerSocket(0)) {
            assertTrue(server.getInetAddress().isAnyLocalAddress());
            for (InetAddress loopback : new InetAddress[] {Loopback.V4, Loopback.V6}) {
                Future<Socket> accepted = virtual(server::accept);
                try (Socket c = clients().createSocket(loopback, server.getLocalPort());
                     Socket a = accepted.get(10, TimeUnit.SECONDS)) {
                    assertEquals(loopback, a.getInetAddress());
                    c.getOutputStream().write(7);
                    assertEquals(7, a.getInputStream().read());
                }
            }
        }
    }

    @Test
    void connectRefused() throws Exception {
        int port;
        try (ServerSocket s = listen(Loopback.V4)) {
            port = s.getLocalPort();
        }
        Socket c = clients().createSocket();
        assertThrows(ConnectException.class, () -> c.connect(new InetSocketAddress(Loopback.V4, port), 5_000));
        assertTrue(c.isClosed(), "a failed connect closes the socket");
    }

    @Test
    void connectTimeout() throws Exception {
        try (UnresponsiveListener target = new UnresponsiveListener()) {
            Socket c = clients().createSocket();
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> c.connect(target.address(), 300));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(290), "returned early");
            assertTrue(c.isClosed(), "a timed-out connect closes the socket");
        }
    }

    @Test
    void closeDuringConnect() throws Exception {
        try (UnresponsiveListener target = new UnresponsiveListener()) {
            Socket c = clients().createSocket();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = blocked(thrown, () -> {
                c.connect(target.address());
                return null;
            });
            c.close();
            assertSocketClosed(outcome(t, thrown));
        }
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    void readTimeoutLeavesTheSocketUsable() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                c.setSoTimeout(200);
                assertEquals(200, c.getSoTimeout());
                InputStream in = c.getInputStream();
                long start = System.nanoTime();
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, in::read);
                assertEquals("Read timed out", e.getMessage());
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190), "returned early");
                assertFalse(c.isClosed());
                a.getOutputStream().write(42);
                assertEquals(42, in.read(), "still usable after the timeout");
                c.setSoTimeout(0);
                a.getOutputStream().write(43);
                assertEquals(43, in.read());
            }
        }
    }

    @Test
    void acceptTimeoutLeavesTheServerUsable() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            server.setSoTimeout(200);
            assertEquals(200, server.getSoTimeout());
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, server::accept);
            assertEquals("Accept timed out", e.getMessage());
            assertFalse(server.isClosed());
            server.setSoTimeout(10_000);
            Socket[] p = pair(server);
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void acceptedSocketHasNoReadTimeout() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            server.setSoTimeout(5_000);
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                assertEquals(0, a.getSoTimeout());
            }
        }
    }

    // ---------------------------------------------------------------- close and interrupt

    @Test
    void closeFromAnotherThreadWakesARead() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                InputStream in = c.getInputStream();
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = blocked(thrown, in::read);
                c.close();
                assertSocketClosed(outcome(t, thrown));
                assertEquals(-1, a.getInputStream().read(), "the peer sees the close");
            }
        }
    }

    @Test
    void closeFromAnotherThreadWakesAWrite() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                OutputStream out = c.getOutputStream();
                byte[] chunk = new byte[1 << 20];
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = blocked(thrown, () -> {
                    while (true) {
                        out.write(chunk); // the peer never reads: the buffers fill, the write parks
                    }
                });
                c.close();
                assertSocketClosed(outcome(t, thrown));
            }
        }
    }

    @Test
    void closeFromAnotherThreadWakesAnAccept() throws Exception {
        ServerSocket server = listen(Loopback.V4);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = blocked(thrown, server::accept);
        server.close();
        assertSocketClosed(outcome(t, thrown));
        assertTrue(server.isClosed());
    }

    @Test
    void interruptingAVirtualThreadInReadClosesTheSocket() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                InputStream in = c.getInputStream();
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = blocked(thrown, in::read);
                t.interrupt();
                Throwable e = outcome(t, thrown);
                assertEquals(SocketException.class, e.getClass(), () -> "got " + e);
                assertEquals("Closed by interrupt", e.getMessage());
                assertTrue(c.isClosed());
            }
        }
    }

    @Test
    void interruptingAVirtualThreadInAcceptClosesTheServerSocket() throws Exception {
        ServerSocket server = listen(Loopback.V4);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = blocked(thrown, server::accept);
        t.interrupt();
        Throwable e = outcome(t, thrown);
        assertEquals(SocketException.class, e.getClass(), () -> "got " + e);
        assertEquals("Closed by interrupt", e.getMessage());
        assertTrue(server.isClosed());
    }

    @Test
    void useAfterClose() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            Socket c = p[0];
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            c.close();
            c.close(); // idempotent
            assertTrue(c.isClosed());
            assertSocketClosed(assertThrows(SocketException.class, in::read));
            assertSocketClosed(assertThrows(SocketException.class, () -> out.write(1)));
            assertThrows(SocketException.class, in::available);
            assertEquals("Socket is closed", assertThrows(SocketException.class, c::getInputStream).getMessage());
            assertThrows(SocketException.class, () -> c.setTcpNoDelay(true));
            p[1].close();
        }
    }

    @Test
    void peerResetIsConnectionReset() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                a.setSoLinger(true, 0);
                a.close(); // RST
                SocketException e = assertThrows(SocketException.class, () -> c.getInputStream().read());
                assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- half-close, available

    @Test
    void shutdownOutputSendsEndOfStreamAndKeepsReading() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                c.getOutputStream().write(1);
                c.shutdownOutput();
                assertTrue(c.isOutputShutdown());
                assertArrayEquals(new byte[] {1}, a.getInputStream().readAllBytes());
                a.getOutputStream().write(2);
                assertEquals(2, c.getInputStream().read(), "the other direction still works");
                assertThrows(SocketException.class, () -> c.getOutputStream().write(3));
                assertThrows(SocketException.class, c::getOutputStream);
                assertThrows(SocketException.class, c::shutdownOutput);
            }
        }
    }

    @Test
    void shutdownInputReadsEndOfStream() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                InputStream in = c.getInputStream();
                c.shutdownInput();
                assertTrue(c.isInputShutdown());
                assertEquals(-1, in.read());
                assertEquals(0, in.available());
                c.getOutputStream().write(9);
                assertEquals(9, a.getInputStream().read(), "output still works");
            }
        }
    }

    @Test
    void shutdownInputWakesABlockedRead() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                InputStream in = c.getInputStream();
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                AtomicReference<Integer> result = new AtomicReference<>();
                Thread t = blocked(thrown, () -> {
                    result.set(in.read());
                    throw new IOException("returned");
                });
                c.shutdownInput();
                assertEquals("returned", outcome(t, thrown).getMessage());
                assertEquals(-1, result.get());
            }
        }
    }

    @Test
    void availableCountsBufferedBytes() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                InputStream in = c.getInputStream();
                assertEquals(0, in.available());
                a.getOutputStream().write("12345".getBytes(US_ASCII));
                await().atMost(PROMPTLY).until(() -> in.available() == 5);
                assertEquals('1', in.read());
                assertEquals(4, in.available());
                assertEquals("2345", new String(in.readNBytes(4), US_ASCII));
                assertEquals(0, in.available());
            }
        }
    }

    @Test
    void zeroLengthReadAndWrite() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                assertEquals(0, c.getInputStream().read(new byte[4], 0, 0));
                c.getOutputStream().write(new byte[4], 0, 0);
                assertThrows(IndexOutOfBoundsException.class, () -> c.getInputStream().read(new byte[4], 3, 2));
            }
        }
    }

    // ---------------------------------------------------------------- options

    @Test
    void optionsBeforeAndAfterConnect() throws Exception {
        try (ServerSocket server = listen(Loopback.V4); Socket c = clients().createSocket()) {
            c.setTcpNoDelay(true);
            c.setKeepAlive(true);
            c.setReuseAddress(true);
            c.setReceiveBufferSize(64 * 1024);
            c.setSendBufferSize(64 * 1024);
            c.setSoLinger(true, 3);
            assertTrue(c.getTcpNoDelay());
            assertTrue(c.getKeepAlive());
            assertTrue(c.getReuseAddress());
            assertEquals(3, c.getSoLinger());
            Future<Socket> accepted = virtual(server::accept);
            c.connect(server.getLocalSocketAddress(), 5_000);
            try (Socket a = accepted.get(10, TimeUnit.SECONDS)) {
                assertTrue(c.getTcpNoDelay());
                assertTrue(c.getKeepAlive());
                assertTrue(c.getReceiveBufferSize() >= 64 * 1024);
                assertTrue(c.getSendBufferSize() >= 64 * 1024);
                c.setTcpNoDelay(false);
                c.setKeepAlive(false);
                c.setReuseAddress(false);
                c.setSoLinger(false, 0);
                assertFalse(c.getTcpNoDelay());
                assertFalse(c.getKeepAlive());
                assertFalse(c.getReuseAddress());
                assertEquals(-1, c.getSoLinger());
                c.setTrafficClass(0x10);
                assertEquals(0x10, c.getTrafficClass());
                assertEquals(Boolean.FALSE, a.getOption(StandardSocketOptions.TCP_NODELAY));
                a.setOption(StandardSocketOptions.TCP_NODELAY, true);
                assertEquals(Boolean.TRUE, a.getOption(StandardSocketOptions.TCP_NODELAY));
                a.setOption(StandardSocketOptions.SO_LINGER, 7);
                assertEquals(7, a.getOption(StandardSocketOptions.SO_LINGER));
                a.setOption(StandardSocketOptions.SO_LINGER, -1);
                assertEquals(-1, a.getOption(StandardSocketOptions.SO_LINGER));
                assertTrue(c.supportedOptions().containsAll(java.util.Set.of(StandardSocketOptions.TCP_NODELAY,
                        StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_RCVBUF,
                        StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_LINGER,
                        StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.IP_TOS)));
            }
        }
    }

    @Test
    void tcpKeepAliveTuningOptions() throws Exception {
        try (Socket c = clients().createSocket()) {
            assertTrue(c.supportedOptions().containsAll(java.util.Set.of(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE,
                    jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT)));
            c.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 30);
            c.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 5);
            c.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
            assertEquals(30, c.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
            assertEquals(5, c.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL));
            assertEquals(3, c.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT));
        }
    }

    @Test
    void badOptionValuesAreRefused() throws Exception {
        try (Socket c = clients().createSocket()) {
            assertThrows(IllegalArgumentException.class, () -> c.setSoTimeout(-1));
            assertThrows(IllegalArgumentException.class, () -> c.setReceiveBufferSize(0));
            assertThrows(IllegalArgumentException.class, () -> c.setSendBufferSize(-5));
            assertThrows(IllegalArgumentException.class, () -> c.setSoLinger(true, -1));
            assertThrows(IllegalArgumentException.class, () -> c.setTrafficClass(256));
            assertThrows(IllegalArgumentException.class, () -> c.connect(new InetSocketAddress(Loopback.V4, 1), -1));
        }
    }

    @Test
    void serverSocketOptions() throws Exception {
        try (ServerSocket server = servers().createServerSocket()) {
            assertTrue(server.getReuseAddress(), "on by default on Linux");
            assertTrue(server.getReceiveBufferSize() > 0);
            server.setReceiveBufferSize(128 * 1024);
            server.bind(new InetSocketAddress(Loopback.V4, 0), 10);
            assertTrue(server.isBound());
            assertTrue(server.getReceiveBufferSize() >= 128 * 1024);
            assertTrue(server.getReuseAddress());
            assertEquals(new InetSocketAddress(Loopback.V4, server.getLocalPort()), server.getLocalSocketAddress());
            assertThrows(SocketException.class, () -> server.bind(new InetSocketAddress(Loopback.V4, 0)));
        }
    }

    @Test
    void unboundServerSocketRefusesAccept() throws Exception {
        try (ServerSocket server = servers().createServerSocket()) {
            assertFalse(server.isBound());
            assertEquals(-1, server.getLocalPort());
            assertThrows(SocketException.class, server::accept);
        }
    }

    @Test
    void bindingAPortInUseIsABindException() throws Exception {
        try (ServerSocket first = listen(Loopback.V4)) {
            ServerSocket second = servers().createServerSocket();
            assertThrows(java.net.BindException.class,
                    () -> second.bind(new InetSocketAddress(Loopback.V4, first.getLocalPort())));
            second.close();
        }
    }

    // ---------------------------------------------------------------- documented differences

    /** The JDK sends one byte of TCP urgent data; Loomring refuses, naming what it refuses. */
    @Test
    void urgentData() throws Exception {
        try (ServerSocket server = listen(Loopback.V4)) {
            Socket[] p = pair(server);
            try (Socket c = p[0]; Socket a = p[1]) {
                a.setOOBInline(true);
                if (isLoomring()) {
                    SocketException e = assertThrows(SocketException.class, () -> c.sendUrgentData(1));
                    assertTrue(e.getMessage().contains("Urgent data"), e.getMessage());
                    assertTrue(e.getMessage().contains("Loomring"), e.getMessage());
                } else {
                    c.sendUrgentData(1);
                    assertEquals(1, a.getInputStream().read());
                }
            }
        }
    }

    /** A connect the default ProxySelector would send through SOCKS: the JDK uses the proxy. */
    @Test
    void socksProxyFromTheDefaultProxySelector() throws Exception {
        java.net.ProxySelector previous = java.net.ProxySelector.getDefault();
        try (ServerSocket fakeProxy = listen(Loopback.V4); ServerSocket target = listen(Loopback.V4)) {
            java.net.ProxySelector.setDefault(new java.net.ProxySelector() {
                @Override
                public java.util.List<java.net.Proxy> select(java.net.URI uri) {
                    return java.util.List.of(new java.net.Proxy(java.net.Proxy.Type.SOCKS,
                            fakeProxy.getLocalSocketAddress()));
                }

                @Override
                public void connectFailed(java.net.URI uri, java.net.SocketAddress sa, IOException ioe) {}
            });
            Socket c = clients().createSocket();
            if (isLoomring()) {
                SocketException e = assertThrows(SocketException.class,
                        () -> c.connect(target.getLocalSocketAddress(), 5_000));
                assertTrue(e.getMessage().contains("SOCKS"), e.getMessage());
            } else {
                // the JDK's socket talks SOCKS to the "proxy": it connects there, not to the target
                Future<Socket> proxied = virtual(fakeProxy::accept);
                Future<Void> connect = virtual(() -> {
                    c.connect(target.getLocalSocketAddress(), 5_000);
                    return null;
                });
                proxied.get(10, TimeUnit.SECONDS).close();
                assertThrows(ExecutionException.class, () -> connect.get(10, TimeUnit.SECONDS));
            }
            c.close();
        } finally {
            java.net.ProxySelector.setDefault(previous);
        }
    }
}
