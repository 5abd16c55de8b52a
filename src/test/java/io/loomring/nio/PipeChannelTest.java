package io.loomring.nio;

import static java.nio.channels.SelectionKey.OP_READ;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.OnThread;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The pipe channels' contract, on Loomring's provider (both backends) and on the JDK's. */
class PipeChannelTest {
    @AfterAll
    static void closeSchedulers() {
        Impl.closeSchedulers();
    }

    static Stream<Arguments> implsAndThreads() {
        return Stream.of(Impl.values()).flatMap(i -> Stream.of(Impl.Threads.values()).map(t -> Arguments.of(i, t)));
    }

    private static <T> CompletableFuture<T> startBlocked(Impl impl, Impl.Threads kind, OnThread.Body<T> body) {
        CompletableFuture<T> f = OnThread.start(kind.factory(impl), body);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10)).until(() -> !f.isDone());
        return f;
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void blockingReadWaitsForDataAndBlockingWriteForRoom(Impl impl, Impl.Threads kind) throws Exception {
        try (TestPipe pipe = TestPipe.blocking(impl.provider())) {
            CompletableFuture<Integer> read = startBlocked(impl, kind, () -> pipe.source().read(ByteBuffer.allocate(100)));
            pipe.write(7);
            assertEquals(7, (int) OnThread.get(read));
            // A blocking write of more than the pipe holds waits for a reader to drain it.
            int size = 1 << 20;
            CompletableFuture<Integer> write = OnThread.start(kind.factory(impl),
                    () -> pipe.sink().write(ByteBuffer.allocateDirect(size)));
            pipe.source().configureBlocking(false); // drained without blocking: the writer's end is unknown
            long[] got = {0};
            ByteBuffer buf = ByteBuffer.allocate(65536);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
                buf.clear();
                got[0] += pipe.source().read(buf);
                return write.isDone() && got[0] == write.join();
            });
            int written = OnThread.get(write);
            // Loomring writes every byte, as WritableByteChannel specifies for blocking mode; the
            // JDK's pipe on a virtual thread returns after one pipe-full (65536 bytes, JDK 25).
            if (impl.loomring() || kind == Impl.Threads.PLATFORM) {
                assertEquals(size, written);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void nonBlockingModeReturnsZeroInsteadOfWaiting(Impl impl) throws Exception {
        try (TestPipe pipe = TestPipe.nonBlocking(impl.provider())) {
            assertEquals(0, pipe.source().read(ByteBuffer.allocate(10)));
            long written = 0;
            int n;
            while ((n = pipe.sink().write(ByteBuffer.allocate(65536))) > 0) {
                written += n;
            }
            assertEquals(0, n);
            assertTrue(written > 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void scatteringAndGatheringWithHeapAndDirectBuffers(Impl impl) throws Exception {
        try (TestPipe pipe = TestPipe.nonBlocking(impl.provider())) {
            ByteBuffer a = ByteBuffer.wrap(new byte[] {1, 2, 3});
            ByteBuffer b = ByteBuffer.allocateDirect(2).put((byte) 4).put((byte) 5).flip();
            assertEquals(5, pipe.sink().write(new ByteBuffer[] {a, ByteBuffer.allocate(0), b}));
            ByteBuffer x = ByteBuffer.allocateDirect(2);
            ByteBuffer y = ByteBuffer.allocate(10);
            assertEquals(5, pipe.source().read(new ByteBuffer[] {x, y}));
            assertEquals(2, x.position());
            assertEquals(3, y.position());
            assertEquals(1, x.get(0));
            assertEquals(5, y.get(2));
            assertThrows(IndexOutOfBoundsException.class, () -> pipe.source().read(new ByteBuffer[] {x}, 1, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> pipe.source().read(ByteBuffer.allocate(4).asReadOnlyBuffer()));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void endOfStreamAfterTheSinkCloses(Impl impl) throws Exception {
        try (TestPipe pipe = TestPipe.nonBlocking(impl.provider())) {
            pipe.write(2);
            pipe.sink().close();
            assertEquals(2, pipe.source().read(ByteBuffer.allocate(10)));
            assertEquals(-1, pipe.source().read(ByteBuffer.allocate(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void asyncCloseWakesABlockedReader(Impl impl, Impl.Threads kind) throws Exception {
        try (TestPipe pipe = TestPipe.blocking(impl.provider())) {
            CompletableFuture<Integer> read = startBlocked(impl, kind, () -> pipe.source().read(ByteBuffer.allocate(10)));
            pipe.source().close();
            assertThrows(AsynchronousCloseException.class, () -> OnThread.get(read));
            assertThrows(ClosedChannelException.class, () -> pipe.source().read(ByteBuffer.allocate(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void interruptClosesTheChannel(Impl impl, Impl.Threads kind) throws Exception {
        try (TestPipe pipe = TestPipe.blocking(impl.provider())) {
            CompletableFuture<Thread> reader = new CompletableFuture<>();
            CompletableFuture<Boolean> read = startBlocked(impl, kind, () -> {
                reader.complete(Thread.currentThread());
                try {
                    pipe.source().read(ByteBuffer.allocate(10));
                    return false;
                } catch (ClosedByInterruptException e) {
                    return Thread.interrupted();
                }
            });
            reader.get().interrupt();
            assertTrue(OnThread.get(read), "ClosedByInterruptException with the interrupt status set");
            assertFalse(pipe.source().isOpen());
            // Interrupted before the call: closed too, though no wait was needed.
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> pipe.sink().write(ByteBuffer.allocate(1)));
            } finally {
                assertTrue(Thread.interrupted());
            }
            assertFalse(pipe.sink().isOpen());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void blockingModeAndRegistration(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.blocking(p)) {
            assertThrows(IllegalBlockingModeException.class, () -> pipe.source().register(sel, OP_READ));
            pipe.source().configureBlocking(false);
            pipe.source().register(sel, OP_READ);
            assertThrows(IllegalBlockingModeException.class, () -> pipe.source().configureBlocking(true));
            assertSame(p, pipe.source().provider());
            pipe.sink().close();
            assertThrows(ClosedChannelException.class, () -> pipe.sink().write(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> pipe.sink().register(sel, 0));
        }
    }
}
