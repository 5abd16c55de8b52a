package io.loomring.nio;

import io.loomring.UnresponsiveListener;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What {@code AbstractInterruptibleChannel} promises: closing a channel wakes a thread blocked in it
 * with {@code AsynchronousCloseException}; interrupting a thread blocked in it, or calling it from
 * a thread already interrupted, closes the channel and throws {@code ClosedByInterruptException},
 * leaving the thread's interrupt status set.
 */
class ChannelInterruptContractTest extends ChannelCompatibilityContract {

    @Test
    void closeWakesABlockedReadWithAsynchronousClose() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = blocked(thrown, () -> c.read(ByteBuffer.allocate(8)));
                c.close();
                Throwable e = outcome(t, thrown);
                assertEquals(AsynchronousCloseException.class, e.getClass(), () -> "got " + e);
                assertFalse(c.isOpen());
                assertEquals(-1, a.read(ByteBuffer.allocate(1)), "the peer sees the close");
            }
        }
    }

    @Test
    void closeWakesABlockedAcceptWithAsynchronousClose() throws Exception {
        ServerSocketChannel server = listen(V4);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = blocked(thrown, server::accept);
        server.close();
        Throwable e = outcome(t, thrown);
        assertEquals(AsynchronousCloseException.class, e.getClass(), () -> "got " + e);
    }

    @Test
    void closeWakesABlockedConnectWithAsynchronousClose() throws Exception {
        try (UnresponsiveListener nobody = new UnresponsiveListener()) {
            SocketChannel c = provider().openSocketChannel();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = blocked(thrown, () -> c.connect(nobody.address()));
            assertTrue(c.isConnectionPending(), "blocked in connect");
            c.close();
            Throwable e = outcome(t, thrown);
            assertEquals(AsynchronousCloseException.class, e.getClass(), () -> "got " + e);
            assertFalse(c.isConnectionPending(), "a close ends the pending connect");
            assertFalse(c.isConnected());
        }
    }

    @Test
    void interruptingABlockedReadClosesTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                interruptBlocked(() -> c.read(ByteBuffer.allocate(8)));
                assertFalse(c.isOpen(), "the interrupt closed the channel");
                assertEquals(-1, a.read(ByteBuffer.allocate(1)), "the peer sees the close");
            }
        }
    }

    @Test
    void interruptingABlockedScatteringReadClosesTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                interruptBlocked(() -> c.read(new ByteBuffer[] {ByteBuffer.allocate(4), ByteBuffer.allocateDirect(4)}));
                assertFalse(c.isOpen());
            }
        }
    }

    @Test
    void interruptingABlockedAcceptClosesTheServer() throws Exception {
        ServerSocketChannel server = listen(V4);
        interruptBlocked(server::accept);
        assertFalse(server.isOpen());
    }

    @Test
    void interruptingABlockedConnectClosesTheChannel() throws Exception {
        try (UnresponsiveListener nobody = new UnresponsiveListener()) {
            SocketChannel c = provider().openSocketChannel();
            interruptBlocked(() -> c.connect(nobody.address()));
            assertFalse(c.isOpen());
            assertFalse(c.isConnected());
        }
    }

    @Test
    void interruptingABlockedWriteClosesTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                ByteBuffer big = ByteBuffer.allocate(64 << 20); // more than both socket buffers hold
                // Looped: on a virtual thread the JDK's blocking write may return after part of the buffer.
                interruptBlocked(() -> {
                    writeFully(c, big);
                    return null;
                });
                assertFalse(c.isOpen());
                assertTrue(big.position() < big.capacity(), "the write did not finish");
            }
        }
    }

    @Test
    void anInterruptedThreadsReadClosesTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                a.write(ascii("waiting")); // even with data to read
                Thread.currentThread().interrupt();
                try {
                    assertThrows(ClosedByInterruptException.class, () -> c.read(ByteBuffer.allocate(8)));
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
                } finally {
                    Thread.interrupted();
                }
                assertFalse(c.isOpen());
            }
        }
    }

    @Test
    void anInterruptedThreadsAcceptClosesTheServer() throws Exception {
        ServerSocketChannel server = listen(V4);
        Thread.currentThread().interrupt();
        try {
            assertThrows(ClosedByInterruptException.class, server::accept);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertFalse(server.isOpen());
    }

    @Test
    void anInterruptedThreadsConnectClosesTheChannel() throws Exception {
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel c = provider().openSocketChannel();
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> c.connect(server.getLocalAddress()));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertFalse(c.isOpen());
        }
    }

    @Test
    void anInterruptedThreadInNonBlockingModeIsNotClosed() throws Exception {
        // The JDK applies the interrupt rule to blocking operations only (begin/end bracket them).
        try (ServerSocketChannel server = listen(V4)) {
            SocketChannel[] p = pair(server);
            try (SocketChannel c = p[0]; SocketChannel a = p[1]) {
                c.configureBlocking(false);
                server.configureBlocking(false);
                Thread.currentThread().interrupt();
                try {
                    assertEquals(0, c.read(ByteBuffer.allocate(8)));
                    assertEquals(2, c.write(ascii("ok")));
                    assertNull(server.accept());
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is left alone");
                } finally {
                    Thread.interrupted();
                }
                assertTrue(c.isOpen() && server.isOpen());
                assertEquals("ok", readAscii(a, 2));
            }
        }
    }

    /**
     * Runs {@code call} on a virtual thread, waits until it blocks, interrupts it, and asserts it
     * ends in {@code ClosedByInterruptException} with its interrupt status still set.
     */
    private static void interruptBlocked(Callable<?> call) throws InterruptedException {
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = blocked(thrown, () -> {
            try {
                return call.call();
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        t.interrupt();
        Throwable e = outcome(t, thrown);
        assertClosedWithInterruptSet(e, interruptedAfter);
    }
}
