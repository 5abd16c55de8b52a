package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.Fds;
import io.loomring.nio.DatagramImpls.Impl;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many channel lives leave no fd behind, and a channel registers with its provider's selector.
 * Each case runs against the JDK's provider and Loomring's on both backends.
 */
class DatagramChannelLifecycleTest {
    private static final int LIVES = 10_000;
    private static DatagramImpls impls;

    @BeforeAll
    static void start() {
        impls = new DatagramImpls();
    }

    @AfterAll
    static void stop() {
        impls.close();
    }

    /**
     * Each life binds, sends to itself and receives (the native address blocks), connects, writes
     * and reads, sets an option and closes.
     */
    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    void tenThousandLivesLeaveNoFds(Impl impl) throws IOException {
        impls.provider(impl); // the scheduler's own fds are open before the count
        ByteBuffer buf = ByteBuffer.allocate(16);
        live(impl, buf); // classes loaded, buffers of the JDK's cached
        long before = Fds.openFdCount();
        for (int i = 0; i < LIVES; i++) {
            live(impl, buf);
        }
        assertEquals(before, Fds.openFdCount(), "fds leaked");
    }

    private static void live(Impl impl, ByteBuffer buf) throws IOException {
        try (DatagramChannel ch = impls.boundV4(impl)) {
            SocketAddress self = ch.getLocalAddress();
            buf.clear();
            buf.putInt(41).flip();
            assertEquals(4, ch.send(buf, self));
            buf.clear();
            assertEquals(self, ch.receive(buf));
            ch.connect(self);
            buf.clear();
            buf.putInt(42).flip();
            assertEquals(4, ch.write(buf));
            buf.clear();
            assertEquals(4, ch.read(buf));
            assertEquals(42, buf.getInt(0));
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8192);
        }
    }

    /**
     * Selector registration: skipped while the provider has no selector yet (Loomring's Selector
     * is built apart; this test runs once {@code openSelector()} stops throwing
     * UnsupportedOperationException).
     */
    @ParameterizedTest
    @MethodSource("io.loomring.nio.DatagramImpls#impls")
    @SuppressWarnings("try") // a.close() inside the block: the key must be invalid after it
    void selectorSeesReadableDatagram(Impl impl) throws IOException {
        Selector selector;
        try {
            selector = impls.provider(impl).openSelector();
        } catch (UnsupportedOperationException notYet) {
            assumeTrue(false, "no Selector in this provider yet: " + notYet.getMessage());
            return;
        }
        try (selector; DatagramChannel a = impls.boundV4(impl); DatagramChannel b = impls.boundV4(impl)) {
            a.configureBlocking(false);
            SelectionKey key = a.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            assertEquals(1, selector.select(5_000));
            assertEquals(SelectionKey.OP_WRITE, key.readyOps(), "writable, nothing to read yet");
            selector.selectedKeys().clear();
            key.interestOps(SelectionKey.OP_READ);
            b.send(ByteBuffer.wrap(new byte[] {7}), a.getLocalAddress());
            assertEquals(1, selector.select(5_000));
            assertTrue(key.isReadable());
            assertEquals(b.getLocalAddress(), a.receive(ByteBuffer.allocate(4)));
            a.close();
            assertFalse(key.isValid());
        }
    }
}
