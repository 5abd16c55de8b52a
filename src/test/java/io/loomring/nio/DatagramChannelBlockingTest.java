package io.loomring.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.nio.DatagramImpls.Impl;
import io.loomring.nio.DatagramImpls.ThreadKind;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blocking receives on platform threads, virtual threads and threads carried by the scheduler:
 * a datagram wakes them, a close or an interrupt ends them as the JDK's channel does, and a closed
 * channel refuses every call. Each case runs against the JDK's provider and Loomring's on both
 * backends.
 */
class DatagramChannelBlockingTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    /** How long a receive must stay blocked to count as waiting for a datagram. */
    private static final Duration STAYS_BLOCKED = Duration.ofMillis(200);
    private static DatagramImpls impls;

    @BeforeAll
    static void start() {
        impls = new DatagramImpls();
    }

    @AfterAll
    static void stop() {
        impls.close();
    }

    static Stream<Arguments> implsAndThreads() {
        return DatagramImpls.impls().flatMap(i -> Stream.of(ThreadKind.values()).map(k -> Arguments.of(i, k)));
    }

    /** A receive into a fresh buffer on a new thread of {@code kind}: its outcome, once ended. */
    private static final class BlockedReceive {
        final AtomicReference<Object> outcome = new AtomicReference<>(); // SocketAddress or Throwable
        final AtomicBoolean interruptedAfter = new AtomicBoolean();
        final ByteBuffer buf = ByteBuffer.allocate(64);
        final Thread thread;

        BlockedReceive(Impl impl, ThreadKind kind, DatagramChannel ch) {
            thread = impls.threads(impl, kind).newThread(() -> {
                Object result;
                try {
                    result = ch.receive(buf);
                } catch (Throwable t) {
                    result = t;
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                outcome.set(result);
            });
            thread.start();
            // Blocked, not returned: nothing arrives while the receive waits.
            await().during(STAYS_BLOCKED).atMost(PROMPTLY).until(() -> outcome.get() == null);
        }

        Object ended() {
            await().atMost(PROMPTLY).until(() -> outcome.get() != null);
            return outcome.get();
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void datagramWakesBlockedReceive(Impl impl, ThreadKind kind) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            BlockedReceive r = new BlockedReceive(impl, kind, a);
            b.send(ByteBuffer.wrap("wake".getBytes(US_ASCII)), a.getLocalAddress());
            assertEquals(b.getLocalAddress(), r.ended());
            r.buf.flip();
            assertEquals("wake", US_ASCII.decode(r.buf).toString());
            assertTrue(a.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void connectedReadWakesOnDatagram(Impl impl, ThreadKind kind) throws Exception {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            a.connect(b.getLocalAddress());
            AtomicReference<Object> got = new AtomicReference<>();
            ByteBuffer buf = ByteBuffer.allocate(8);
            Thread t = impls.threads(impl, kind).newThread(() -> {
                try {
                    got.set(a.read(buf));
                } catch (Throwable e) {
                    got.set(e);
                }
            });
            t.start();
            await().during(STAYS_BLOCKED).atMost(PROMPTLY).until(() -> got.get() == null);
            b.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), a.getLocalAddress());
            await().atMost(PROMPTLY).until(() -> got.get() != null);
            assertEquals(3, got.get());
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void asyncCloseWakesBlockedReceive(Impl impl, ThreadKind kind) throws IOException {
        DatagramChannel a = impls.boundV4(impl);
        BlockedReceive r = new BlockedReceive(impl, kind, a);
        a.close();
        Object outcome = r.ended();
        assertEquals(AsynchronousCloseException.class, outcome.getClass(), () -> "got " + outcome);
        assertFalse(r.interruptedAfter.get());
        assertFalse(a.isOpen());
        assertThrows(ClosedChannelException.class, () -> a.receive(ByteBuffer.allocate(1)));
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void interruptClosesChannel(Impl impl, ThreadKind kind) throws IOException {
        try (DatagramChannel a = impls.boundV4(impl)) {
            BlockedReceive r = new BlockedReceive(impl, kind, a);
            r.thread.interrupt();
            Object outcome = r.ended();
            assertEquals(ClosedByInterruptException.class, outcome.getClass(), () -> "got " + outcome);
            assertTrue(r.interruptedAfter.get(), "the interrupt status stays set");
            await().atMost(PROMPTLY).until(() -> !a.isOpen());
            assertThrows(ClosedChannelException.class, () -> a.send(ByteBuffer.allocate(1), a.getLocalAddress()));
        }
    }

    /** An interrupted thread's blocking call closes the channel even when a datagram is there. */
    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void interruptedCallerClosesChannel(Impl impl) throws Exception {
        try (DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            b.send(ByteBuffer.wrap(new byte[] {1}), a.getLocalAddress());
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    a.receive(ByteBuffer.allocate(8));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.join(PROMPTLY);
            assertInstanceOf(ClosedByInterruptException.class, thrown.get());
            assertFalse(a.isOpen());
        }
    }

    /** A non-blocking call of an interrupted thread neither waits nor closes the channel. */
    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void interruptLeavesNonBlockingChannelOpen(Impl impl) throws Exception {
        try (DatagramChannel a = impls.boundV4(impl)) {
            a.configureBlocking(false);
            AtomicReference<Object> got = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    got.set(String.valueOf(a.receive(ByteBuffer.allocate(8))));
                } catch (Throwable e) {
                    got.set(e);
                }
            });
            t.join(PROMPTLY);
            assertEquals("null", got.get());
            assertTrue(a.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void closedChannelRefusesEveryCall(Impl impl) throws IOException {
        DatagramChannel a = impls.open(impl, StandardProtocolFamily.INET);
        SocketAddress somewhere;
        try (DatagramChannel peer = impls.boundV4(impl)) {
            somewhere = peer.getLocalAddress();
        }
        a.close();
        a.close(); // again: nothing to do
        assertFalse(a.isOpen());
        assertFalse(a.isConnected());
        ByteBuffer buf = ByteBuffer.allocate(4);
        assertThrows(ClosedChannelException.class, () -> a.bind(null));
        assertThrows(ClosedChannelException.class, () -> a.connect(somewhere));
        assertThrows(ClosedChannelException.class, () -> a.send(buf, somewhere));
        assertThrows(ClosedChannelException.class, () -> a.receive(buf));
        assertThrows(ClosedChannelException.class, () -> a.read(buf));
        assertThrows(ClosedChannelException.class, () -> a.write(buf));
        assertThrows(ClosedChannelException.class, () -> a.read(new ByteBuffer[] {buf}));
        assertThrows(ClosedChannelException.class, () -> a.write(new ByteBuffer[] {buf}));
        assertThrows(ClosedChannelException.class, a::getLocalAddress);
        assertThrows(ClosedChannelException.class, a::getRemoteAddress);
        assertThrows(ClosedChannelException.class,
                () -> a.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true));
        assertThrows(ClosedChannelException.class, () -> a.getOption(java.net.StandardSocketOptions.SO_RCVBUF));
        assertSame(a, a.disconnect());
    }
}
