package io.loomring.nio;

import static java.nio.channels.SelectionKey.OP_READ;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Fds;
import io.loomring.OnThread;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Selects that block, on platform, virtual and carried threads, and how they end: data, wakeup,
 * interrupt, close; and what closing channels and selectors leaves behind (no key, no fd).
 */
class SelectorLifecycleTest {
    private static final Duration BLOCKED = Duration.ofMillis(100);

    @AfterAll
    static void closeSchedulers() {
        Impl.closeSchedulers();
    }

    static Stream<Arguments> implsAndThreads() {
        return Stream.of(Impl.values()).flatMap(i -> Stream.of(Impl.Threads.values()).map(t -> Arguments.of(i, t)));
    }

    /** Starts {@code body} on a new thread of {@code kind} and checks it stays blocked for a while. */
    private static <T> CompletableFuture<T> startBlocked(Impl impl, Impl.Threads kind, OnThread.Body<T> body) {
        CompletableFuture<T> f = OnThread.start(kind.factory(impl), body);
        await().during(BLOCKED).atMost(Duration.ofSeconds(10)).until(() -> !f.isDone());
        return f;
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void classicSelectorLoopOverPipes(Impl impl, Impl.Threads kind) throws Exception {
        SelectorProvider p = impl.provider();
        int pipes = 4;
        int messages = 50;
        List<TestPipe> all = new ArrayList<>();
        try (Selector sel = p.openSelector()) {
            for (int i = 0; i < pipes; i++) {
                TestPipe pipe = TestPipe.nonBlocking(p);
                all.add(pipe);
                pipe.source().register(sel, OP_READ, i);
            }
            CompletableFuture<long[]> loop = OnThread.start(kind.factory(impl), () -> {
                long[] received = new long[pipes];
                ByteBuffer buf = ByteBuffer.allocate(256);
                long total = 0;
                while (total < (long) pipes * messages) {
                    sel.select();
                    for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey k = it.next();
                        it.remove();
                        buf.clear();
                        int n = ((java.nio.channels.ReadableByteChannel) k.channel()).read(buf);
                        received[(Integer) k.attachment()] += n;
                        total += n;
                    }
                }
                return received;
            });
            for (int m = 0; m < messages; m++) {
                for (TestPipe pipe : all) {
                    pipe.write(1);
                }
            }
            long[] received = OnThread.get(loop);
            for (long r : received) {
                assertEquals(messages, r);
            }
        } finally {
            for (TestPipe pipe : all) {
                pipe.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void wakeupFromAnotherThreadEndsABlockedSelect(Impl impl, Impl.Threads kind) throws Exception {
        try (Selector sel = impl.provider().openSelector(); TestPipe pipe = TestPipe.nonBlocking(impl.provider())) {
            pipe.source().register(sel, OP_READ);
            CompletableFuture<Integer> select = startBlocked(impl, kind, sel::select);
            CompletableFuture.runAsync(sel::wakeup).get();
            assertEquals(0, (int) OnThread.get(select));
            CompletableFuture<Integer> data = startBlocked(impl, kind, () -> sel.select(60_000));
            pipe.write(1);
            assertEquals(1, (int) OnThread.get(data));
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void interruptEndsABlockedSelectAndStaysSet(Impl impl, Impl.Threads kind) throws Exception {
        try (Selector sel = impl.provider().openSelector()) {
            CompletableFuture<Thread> selector = new CompletableFuture<>();
            CompletableFuture<Boolean> select = startBlocked(impl, kind, () -> {
                selector.complete(Thread.currentThread());
                sel.select();
                boolean stillInterrupted = Thread.currentThread().isInterrupted();
                long start = System.nanoTime();
                sel.select(10_000); // an interrupted thread's select returns at once
                return stillInterrupted && System.nanoTime() - start < 5_000_000_000L && Thread.interrupted();
            });
            selector.get().interrupt();
            assertTrue(OnThread.get(select));
            assertTrue(sel.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("implsAndThreads")
    void closeWakesABlockedSelectThenEverythingIsClosed(Impl impl, Impl.Threads kind) throws Exception {
        SelectorProvider p = impl.provider();
        Selector sel = p.openSelector();
        try (TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.source().register(sel, OP_READ);
            CompletableFuture<Integer> select = startBlocked(impl, kind, sel::select);
            CompletableFuture.runAsync(() -> {
                try {
                    sel.close();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }).get();
            assertEquals(0, (int) OnThread.get(select));
            assertFalse(key.isValid());
            assertFalse(pipe.source().isRegistered());
            assertTrue(pipe.source().isOpen());
            assertThrows(ClosedSelectorException.class, sel::select);
            assertThrows(ClosedSelectorException.class, sel::selectNow);
            assertThrows(ClosedSelectorException.class, () -> sel.select(10));
            assertThrows(ClosedSelectorException.class, () -> sel.select(k -> { }));
            assertThrows(ClosedSelectorException.class, sel::keys);
            assertThrows(ClosedSelectorException.class, sel::selectedKeys);
            assertThrows(ClosedSelectorException.class, () -> pipe.source().register(sel, OP_READ));
            sel.wakeup(); // no exception
            sel.close(); // idempotent
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closingAChannelDeregistersItsKeyAndClosesItsFd(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector()) {
            TestPipe pipe = TestPipe.nonBlocking(p);
            SelectionKey key = pipe.source().register(sel, OP_READ);
            pipe.write(1);
            assertEquals(1, sel.selectNow());
            int fd = impl.loomring() ? ((SelectableFd) pipe.source()).fdValue() : -1;
            pipe.source().close();
            assertFalse(key.isValid());
            if (impl.loomring()) {
                assertFalse(Files.exists(Path.of("/proc/self/fd/" + fd)), "fd " + fd + " still open");
            }
            assertEquals(0, sel.selectNow());
            assertTrue(sel.keys().isEmpty());
            assertTrue(sel.selectedKeys().isEmpty());
            assertFalse(pipe.source().isRegistered());
            pipe.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"IO_URING", "EPOLL"})
    void tenThousandSelectorAndPipeLivesLeaveNoFd(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        ThreadFactory virtual = Thread.ofVirtual().factory();
        lives(p, 100); // warm up: the scheduler's own fds, lazily made
        long before = Fds.openFdCount();
        OnThread.get(OnThread.start(virtual, () -> lives(p, 5_000)));
        lives(p, 5_000);
        long after = Fds.openFdCount();
        assertTrue(after <= before + 2, "fds grew from " + before + " to " + after);
    }

    private static Void lives(SelectorProvider p, int n) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(8);
        for (int i = 0; i < n; i++) {
            try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
                pipe.source().register(sel, OP_READ);
                pipe.write(1);
                assertEquals(1, sel.select(10_000));
                buf.clear();
                assertEquals(1, pipe.source().read(buf));
            }
        }
        return null;
    }
}
