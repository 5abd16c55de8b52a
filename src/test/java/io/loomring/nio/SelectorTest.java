package io.loomring.nio;

import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.OnThread;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The selector's select, wakeup and key rules, each asserted on Loomring's provider (both backends)
 * and on the JDK's, so a difference from the JDK shows as a failure on Loomring's side only.
 */
class SelectorTest {
    @AfterAll
    static void closeSchedulers() {
        Impl.closeSchedulers();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void wakeupBeforeSelectMakesTheNextSelectReturnAtOnce(Impl impl) throws Exception {
        try (Selector sel = impl.provider().openSelector()) {
            sel.wakeup();
            sel.wakeup(); // wakeups do not add up
            assertEquals(0, (int) OnThread.get(OnThread.start(Thread.ofPlatform().factory(), sel::select)));
            long start = System.nanoTime();
            assertEquals(0, sel.select(200)); // consumed by the first select
            assertTrue(System.nanoTime() - start >= 150_000_000L, "second select did not wait");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void selectNowClearsAPendingWakeup(Impl impl) throws Exception {
        try (Selector sel = impl.provider().openSelector()) {
            sel.wakeup();
            assertEquals(0, sel.selectNow());
            long start = System.nanoTime();
            assertEquals(0, sel.select(150));
            assertTrue(System.nanoTime() - start >= 100_000_000L, "select after selectNow did not wait");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void selectWithTimeoutTimesOut(Impl impl) throws Exception {
        try (Selector sel = impl.provider().openSelector(); TestPipe pipe = TestPipe.nonBlocking(impl.provider())) {
            pipe.source().register(sel, OP_READ);
            long start = System.nanoTime();
            assertEquals(0, sel.select(120));
            long ms = (System.nanoTime() - start) / 1_000_000L;
            assertTrue(ms >= 100 && ms < 5_000, "select(120) took " + ms + " ms");
            assertThrows(IllegalArgumentException.class, () -> sel.select(-1));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void selectNowReportsReadyKeysAndLevelTriggering(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.source().register(sel, OP_READ, "att");
            assertEquals(0, sel.selectNow());
            pipe.write(3);
            assertEquals(1, sel.selectNow());
            assertEquals(Set.of(key), sel.selectedKeys());
            assertEquals(OP_READ, key.readyOps());
            assertEquals("att", key.attachment());
            // Still ready, already selected, no new op: not counted, still selected.
            assertEquals(0, sel.selectNow());
            assertEquals(Set.of(key), sel.selectedKeys());
            // Level-triggered: removed from the set, selected again while data remains.
            sel.selectedKeys().clear();
            assertEquals(1, sel.selectNow());
            assertEquals(3, pipe.source().read(ByteBuffer.allocate(10)));
            sel.selectedKeys().clear();
            assertEquals(0, sel.selectNow());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void selectWithActionLeavesTheSelectedKeySetAlone(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe a = TestPipe.nonBlocking(p); TestPipe b = TestPipe.nonBlocking(p)) {
            SelectionKey ka = a.source().register(sel, OP_READ);
            SelectionKey kb = b.sink().register(sel, OP_WRITE);
            a.write(1);
            List<SelectionKey> seen = new ArrayList<>();
            assertEquals(2, sel.selectNow(seen::add));
            assertEquals(Set.of(ka, kb), new HashSet<>(seen));
            assertTrue(sel.selectedKeys().isEmpty());
            assertEquals(OP_WRITE, kb.readyOps());
            seen.clear();
            assertEquals(2, sel.select(seen::add, 1000));
            assertEquals(2, sel.select(seen::add)); // level-triggered: again
            assertEquals(4, seen.size());
            assertThrows(IllegalStateException.class, () -> sel.selectNow(k -> {
                try {
                    sel.selectNow();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void keySetsAreViewsTheApplicationCannotGrow(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.sink().register(sel, OP_WRITE);
            assertEquals(1, sel.select(1000));
            assertThrows(UnsupportedOperationException.class, () -> sel.selectedKeys().add(key));
            assertThrows(UnsupportedOperationException.class, () -> sel.keys().add(key));
            assertThrows(UnsupportedOperationException.class, () -> sel.keys().remove(key));
            assertEquals(Set.of(key), sel.keys());
            var it = sel.selectedKeys().iterator();
            assertSame(key, it.next());
            it.remove();
            assertTrue(sel.selectedKeys().isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void interestOpsRules(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.source().register(sel, 0);
            assertThrows(IllegalArgumentException.class, () -> key.interestOps(OP_WRITE));
            assertThrows(IllegalArgumentException.class, () -> pipe.source().register(sel, OP_WRITE));
            pipe.write(1);
            assertEquals(0, sel.selectNow());
            assertEquals(0, key.interestOpsOr(OP_READ));
            assertEquals(1, sel.selectNow());
            assertEquals(OP_READ, key.interestOpsAnd(0));
            sel.selectedKeys().clear();
            assertEquals(0, sel.selectNow());
            key.cancel();
            assertThrows(CancelledKeyException.class, () -> key.interestOps(OP_READ));
            assertThrows(CancelledKeyException.class, key::interestOps);
            assertThrows(CancelledKeyException.class, key::readyOps);
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void interestOpsFromAnotherThreadReachTheNextSelectAtTheLatest(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.source().register(sel, 0);
            pipe.write(1);
            CompletableFuture<Integer> blocked = OnThread.start(Thread.ofVirtual().factory(), sel::select);
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !blocked.isDone());
            CompletableFuture.runAsync(() -> key.interestOps(OP_READ)).get();
            sel.wakeup();
            int first = OnThread.get(blocked);
            int second = sel.selectNow();
            assertEquals(1, first + second, "selected once over the woken select and the next");
            assertEquals(Set.of(key), sel.selectedKeys());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void cancelledKeyIsDeregisteredByTheNextSelectThenTheChannelRegistersAgain(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.source().register(sel, OP_READ);
            pipe.write(1);
            assertEquals(1, sel.selectNow());
            key.cancel();
            assertFalse(key.isValid());
            assertTrue(pipe.source().isRegistered(), "deregistered only by the next select");
            assertThrows(CancelledKeyException.class, () -> pipe.source().register(sel, OP_READ));
            assertEquals(0, sel.selectNow());
            assertFalse(pipe.source().isRegistered());
            assertTrue(sel.keys().isEmpty());
            assertTrue(sel.selectedKeys().isEmpty(), "a deregistered key leaves the selected-key set");
            SelectionKey again = pipe.source().register(sel, OP_READ);
            assertNotSame(key, again);
            assertEquals(1, sel.selectNow());
            assertEquals(Set.of(again), sel.selectedKeys());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void oneChannelWithSeveralSelectors(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        List<Selector> selectors = new ArrayList<>();
        try (TestPipe pipe = TestPipe.nonBlocking(p)) {
            for (int i = 0; i < 3; i++) {
                selectors.add(p.openSelector());
                pipe.source().register(selectors.get(i), OP_READ);
            }
            pipe.write(1);
            for (Selector s : selectors) {
                assertEquals(1, s.select(1000));
            }
            selectors.get(1).close();
            assertNull(pipe.source().keyFor(selectors.get(1)));
            assertTrue(pipe.source().isRegistered());
            pipe.source().close();
            for (Selector s : List.of(selectors.get(0), selectors.get(2))) {
                assertEquals(0, s.selectNow());
                assertTrue(s.keys().isEmpty());
            }
        } finally {
            for (Selector s : selectors) {
                s.close();
            }
        }
    }
}
