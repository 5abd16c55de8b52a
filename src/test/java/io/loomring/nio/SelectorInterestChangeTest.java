package io.loomring.nio;

import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.OnThread;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Read interest taken away and given back, as selector-driven servers do once per request: what
 * the application sees is the JDK's (each case runs on the JDK's provider too), and on Loomring's
 * the kernel is not told when nothing came in between.
 */
class SelectorInterestChangeTest {
    @AfterAll
    static void closeSchedulers() {
        Impl.closeSchedulers();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void dataThatArrivesWhileReadInterestIsOffSelectsNothingUntilItIsBack(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.source().register(sel, OP_READ);
            pipe.write(1);
            assertEquals(1, sel.select(1000));
            sel.selectedKeys().clear();
            key.interestOps(0); // as a server does before it hands the connection to a handler
            pipe.write(1); // still unread, and more comes
            long start = System.nanoTime();
            assertEquals(0, sel.select(200), "a key without interest was selected");
            long ms = (System.nanoTime() - start) / 1_000_000L;
            assertTrue(ms >= 150, "select(200) returned after " + ms + " ms: an unwanted event ended it");
            assertTrue(sel.selectedKeys().isEmpty());
            assertEquals(0, sel.selectNow(), "the unwanted event came back");
            key.interestOps(OP_READ);
            assertEquals(1, sel.select(1000));
            assertEquals(Set.of(key), sel.selectedKeys());
            assertEquals(OP_READ, key.readyOps());
            assertEquals(2, pipe.source().read(ByteBuffer.allocate(10)));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aBlockedSelectIsNotEndedByDataForAKeyWithoutInterest(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe quiet = TestPipe.nonBlocking(p);
                TestPipe later = TestPipe.nonBlocking(p)) {
            SelectionKey off = quiet.source().register(sel, OP_READ);
            SelectionKey on = later.source().register(sel, OP_READ);
            quiet.write(1);
            assertEquals(1, sel.selectNow());
            sel.selectedKeys().clear();
            off.interestOps(0);
            CompletableFuture<Integer> blocked = OnThread.start(Thread.ofVirtual().factory(), sel::select);
            quiet.write(1);
            // Time for the unwanted event to reach the select, if it were reported.
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !blocked.isDone());
            later.write(1);
            assertEquals(1, (int) OnThread.get(blocked));
            assertEquals(Set.of(on), sel.selectedKeys());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void writeInterestTakenAwayDoesNotEndTheNextSelect(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.sink().register(sel, OP_WRITE);
            assertEquals(1, sel.selectNow());
            sel.selectedKeys().clear();
            key.interestOps(0);
            long start = System.nanoTime();
            assertEquals(0, sel.select(150));
            assertTrue(System.nanoTime() - start >= 100_000_000L, "a writable pipe without interest ended the select");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"IO_URING", "EPOLL"})
    void readInterestOffAndBackAroundADrainingReadCostsTheKernelNothing(Impl impl) throws Exception {
        assertEquals(0, epollCtlsForTenRequests(impl, false), "epoll_ctl calls for 10 requests");
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"IO_URING", "EPOLL"})
    void aHandlerSlowerThanTheSelectorCostsTheKernelOneCallPerRequest(Impl impl) throws Exception {
        // Two calls when the watch is narrowed and widened again, then one per request.
        assertEquals(11, epollCtlsForTenRequests(impl, true), "epoll_ctl calls for 10 requests");
    }

    /** The {@code epoll_ctl} calls of Loomring's selector for ten requests of a handler slower or faster than it. */
    private static long epollCtlsForTenRequests(Impl impl, boolean slowHandler) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            assumeTrue(sel instanceof LoomringSelector);
            LoomringSelector selector = (LoomringSelector) sel;
            SelectionKey key = pipe.source().register(sel, OP_READ);
            assertEquals(0, sel.selectNow());
            long before = selector.kernelCtls();
            for (int request = 0; request < 10; request++) {
                if (slowHandler) {
                    slowHandlerRequest(sel, key, pipe);
                } else {
                    fastHandlerRequest(sel, key, pipe);
                }
            }
            return selector.kernelCtls() - before;
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aKeyWhoseHandlerWasSlowStillReportsReadinessAtEverySelect(Impl impl) throws Exception {
        SelectorProvider p = impl.provider();
        try (Selector sel = p.openSelector(); TestPipe pipe = TestPipe.nonBlocking(p)) {
            SelectionKey key = pipe.source().register(sel, OP_READ);
            for (int request = 0; request < 3; request++) {
                slowHandlerRequest(sel, key, pipe); // on Loomring's, watched one-shot from the first
            }
            pipe.write(5);
            for (int select = 0; select < 3; select++) { // level-triggered: as long as bytes are there
                assertEquals(1, sel.select(1000), "select " + select);
                assertEquals(Set.of(key), sel.selectedKeys());
                sel.selectedKeys().clear();
            }
            assertEquals(5, pipe.source().read(ByteBuffer.allocate(10)));
            assertEquals(0, sel.select(100));
            key.interestOps(0);
            pipe.write(1);
            assertEquals(0, sel.select(100), "a key without interest was selected");
            key.interestOps(OP_READ);
            assertEquals(1, sel.select(1000));
            assertEquals(1, pipe.source().read(ByteBuffer.allocate(10)));
            key.interestOps(0);
            sel.selectedKeys().clear();
            assertEquals(0, sel.selectNow());
            key.interestOps(OP_READ);
            pipe.write(2);
            assertEquals(1, sel.select(1000), "bytes that came after interest was given back");
        }
    }

    /** One request on a server whose handler has read before its selector goes on. */
    private static void fastHandlerRequest(Selector sel, SelectionKey key, TestPipe pipe) throws Exception {
        pipe.write(100);
        assertEquals(1, sel.select(1000));
        sel.selectedKeys().clear();
        key.interestOps(0); // the server's selector hands the connection to a handler,
        assertEquals(100, pipe.source().read(ByteBuffer.allocate(200))); // which reads the request,
        assertEquals(0, pipe.source().read(ByteBuffer.allocate(200))); // finds no more,
        assertEquals(0, sel.selectNow()); // (the selector goes on meanwhile)
        key.interestOps(OP_READ); // and asks to be told when more comes
        assertEquals(0, sel.selectNow());
    }

    /**
     * One request on a server whose selector goes on before the handler has read: the selector
     * sees the bytes while the key has no interest.
     */
    private static void slowHandlerRequest(Selector sel, SelectionKey key, TestPipe pipe) throws Exception {
        pipe.write(100);
        assertEquals(1, sel.select(1000));
        sel.selectedKeys().clear();
        key.interestOps(0);
        assertEquals(0, sel.selectNow(), "a key without interest was selected");
        assertEquals(100, pipe.source().read(ByteBuffer.allocate(200)));
        assertEquals(0, pipe.source().read(ByteBuffer.allocate(200)));
        key.interestOps(OP_READ);
        assertEquals(0, sel.selectNow());
    }
}
