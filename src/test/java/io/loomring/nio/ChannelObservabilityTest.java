package io.loomring.nio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.Stats;
import io.loomring.TestBackends;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scheduler's figures and its stall log see channel I/O as they see sockets: a blocked channel
 * read and a blocked select are awaits the scheduler counts (armed while they wait, completions
 * once they end), and a select on a carried thread parks instead of holding its carrier, so the
 * stall log (which names any carried thread that holds its carrier) stays quiet.
 */
class ChannelObservabilityTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(15);

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void blockedChannelReadsAndSelectsAreArmedAwaits(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            LoomringSelectorProvider provider = new LoomringSelectorProvider(io);
            Pipe pipe = provider.openPipe();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                Stats before = io.stats();
                CompletableFuture<Integer> read = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        read.complete(source.read(ByteBuffer.allocate(8)));
                    } catch (Throwable t) {
                        read.completeExceptionally(t);
                    }
                });
                await().atMost(PROMPTLY).until(() -> io.stats().armed() == 1);
                sink.write(ByteBuffer.wrap(new byte[] {7}));
                assertEquals(1, read.get(15, TimeUnit.SECONDS));
                await().atMost(PROMPTLY).until(() -> io.stats().armed() == 0);
                assertTrue(io.stats().completions() > before.completions(), "the read's wakeup was counted");

                try (Selector selector = provider.openSelector()) {
                    source.configureBlocking(false);
                    source.register(selector, SelectionKey.OP_READ);
                    CompletableFuture<Integer> select = CompletableFuture.supplyAsync(() -> {
                        try {
                            return selector.select();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, r -> Thread.ofVirtual().start(r));
                    await().atMost(PROMPTLY).until(() -> io.stats().armed() == 1);
                    sink.write(ByteBuffer.wrap(new byte[] {8}));
                    assertEquals(1, select.get(15, TimeUnit.SECONDS));
                    await().atMost(PROMPTLY).until(() -> io.stats().armed() == 0);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aCarriedSelectParksAndIsNoStall(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("io.loomring");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    warnings.add(MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        log.addHandler(handler);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).build()) {
            // The carried select parks: its carrier keeps coming back through two of the stall
            // monitor's looks (a select in epoll_wait on the carrier itself would be logged).
            selectFor(new LoomringSelectorProvider(io), io, "parked-", Duration.ofMillis(2500));
            assertTrue(warnings.stream().noneMatch(w -> w.contains("parked-")), () -> "logged: " + warnings);
        } finally {
            log.removeHandler(handler);
        }
    }

    /** A carried thread named {@code name...} selects on an idle selector of {@code provider} for {@code time}. */
    private static void selectFor(SelectorProvider provider, IoScheduler io, String name, Duration time)
            throws Exception {
        try (Selector selector = provider.openSelector()) {
            CompletableFuture<Integer> select = new CompletableFuture<>();
            io.threadFactory(name).newThread(() -> {
                try {
                    select.complete(selector.select(time.toMillis()));
                } catch (Throwable t) {
                    select.completeExceptionally(t);
                }
            }).start();
            assertEquals(0, select.get(30, TimeUnit.SECONDS));
        }
    }
}
