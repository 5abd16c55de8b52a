package io.loomring.nio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code SocketChannel}, {@code ServerSocketChannel} and their selectors promise, asserted
 * once per topic (the subclasses of this class, {@code Channel*ContractTest}), each run against the
 * JDK's own provider and against {@link LoomringSelectorProvider} on each backend
 * ({@link ProviderUnderTest}). Every channel
 * and selector is opened through {@link #provider()}; a JDK {@code java.net} socket appears only as
 * a peer. Where the javadoc is silent the JDK's behaviour is the contract. A behaviour that differs
 * on purpose is asserted for both sides in the same test, through {@link #isLoomring()}. Each test
 * body runs on a virtual thread, bounded by {@link OnVirtualThread}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.loomring.nio.ProviderUnderTest#all")
@ExtendWith(OnVirtualThread.class)
abstract class ChannelCompatibilityContract {
    static final Duration PROMPTLY = Duration.ofSeconds(10);
    static final InetAddress V4 = address("127.0.0.1");
    static final InetAddress V6 = address("::1");

    /** A directory of its own for each test's UNIX domain socket files. */
    @TempDir
    Path dir;

    /** The provider this run of the class is on. */
    @Parameter
    ProviderUnderTest under;

    @BeforeParameterizedClassInvocation
    static void open(ProviderUnderTest under) {
        under.open();
    }

    @AfterParameterizedClassInvocation
    static void close(ProviderUnderTest under) {
        under.close();
    }

    /** The provider whose channels and selectors are under test. */
    SelectorProvider provider() {
        return under.provider();
    }

    /** True for Loomring's provider, where a documented difference applies. */
    boolean isLoomring() {
        return under.isLoomring();
    }

    // ---------------------------------------------------------------- helpers

    static ProtocolFamily family(InetAddress a) {
        return a instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** A server channel of the address's family, bound to it with an ephemeral port. */
    ServerSocketChannel listen(InetAddress address) throws IOException {
        ServerSocketChannel server = provider().openServerSocketChannel(family(address));
        return server.bind(new InetSocketAddress(address, 0));
    }

    /** A UNIX domain server channel bound to a new path in {@link #dir}. */
    ServerSocketChannel listenUnix(String name) throws IOException {
        ServerSocketChannel server = provider().openServerSocketChannel(StandardProtocolFamily.UNIX);
        return server.bind(java.net.UnixDomainSocketAddress.of(dir.resolve(name)));
    }

    /** Connects a blocking client of the server's family and returns both ends: [client, accepted]. */
    SocketChannel[] pair(ServerSocketChannel server) throws Exception {
        SocketAddress at = server.getLocalAddress();
        ProtocolFamily f = at instanceof InetSocketAddress isa ? family(isa.getAddress()) : StandardProtocolFamily.UNIX;
        SocketChannel client = provider().openSocketChannel(f);
        Future<SocketChannel> accepted = virtual(server::accept);
        assertTrue(client.connect(at), "a blocking connect returns true");
        return new SocketChannel[] {client, accepted.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS)};
    }

    static <T> Future<T> virtual(Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread.ofVirtual().start(task);
        return task;
    }

    static <T> T get(Future<T> f) throws Exception {
        return f.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    }

    /** Starts {@code body} on a virtual thread and waits until it parks, blocked in the call. */
    static Thread blocked(AtomicReference<Throwable> thrown, Callable<?> body) {
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

    static Throwable outcome(Thread t, AtomicReference<Throwable> thrown) throws InterruptedException {
        assertTrue(t.join(PROMPTLY), "still blocked");
        return thrown.get();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Writes all of {@code b} (a blocking channel writes it in one call; loop anyway for clarity). */
    static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads exactly {@code n} bytes from a blocking channel; fails at an early end of stream. */
    static byte[] readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            assertTrue(ch.read(b) >= 0, () -> "end of stream after " + b.position() + " of " + n + " bytes");
        }
        return b.array();
    }

    static String readAscii(SocketChannel ch, int n) throws IOException {
        return new String(readFully(ch, n), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Skips the test unless [::1] can be bound. */
    static void assumeIpv6() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(V6, 0));
        } catch (Exception e) {
            assumeTrue(false, "no IPv6 loopback here: " + e);
        }
    }

    /** A loopback port nothing listens on (bound, then released). */
    static InetSocketAddress refusingV4() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, V4)) {
            return new InetSocketAddress(V4, s.getLocalPort());
        }
    }

    static void assertClosedWithInterruptSet(Throwable t, AtomicReference<Boolean> interruptedAfter) {
        assertEquals(java.nio.channels.ClosedByInterruptException.class, t.getClass(), () -> "got " + t);
        assertEquals(Boolean.TRUE, interruptedAfter.get(), "the interrupt status stays set");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
