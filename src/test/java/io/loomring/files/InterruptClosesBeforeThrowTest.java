package io.loomring.files;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt ends a platform thread's wait for a FIFO before {@code Thread.interrupt()} has run
 * the channel's own interrupt handler (the JDK wakes the thread first, then looks for that
 * handler, which the woken thread may already have removed). The channel must be closed by the
 * time the thread throws {@link ClosedByInterruptException} all the same: many rounds, each
 * checking it, make that race come up.
 */
class InterruptClosesBeforeThrowTest {
    private static final int ROUNDS = 200;

    @Test
    void aPlatformThreadInterruptedInAFifoReadFindsTheChannelClosed(@TempDir Path dir) throws Exception {
        TestBackends.assumeAvailable(Backend.IO_URING);
        Path fifo = FileChannelContract.mkfifo(dir.resolve("f"));
        try (IoScheduler io = IoScheduler.builder().backend(Backend.IO_URING).carriers(1).build()) {
            for (int i = 0; i < ROUNDS; i++) {
                FileChannel ch = LoomringFileChannel.open(io, fifo, Set.of(READ, WRITE));
                CompletableFuture<Throwable> thrown = new CompletableFuture<>();
                AtomicBoolean openWhenThrown = new AtomicBoolean();
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        ch.read(ByteBuffer.allocate(8));
                        thrown.complete(null);
                    } catch (Throwable e) {
                        openWhenThrown.set(ch.isOpen());
                        thrown.complete(e);
                    }
                });
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> FileChannelContract.isBlocked(reader));
                reader.interrupt();
                Throwable e = thrown.get(10, TimeUnit.SECONDS);
                assertEquals(ClosedByInterruptException.class, e == null ? null : e.getClass(), "round " + i + ": " + e);
                assertFalse(openWhenThrown.get(), "round " + i + ": the channel was open when the read threw");
                reader.join();
                assertFalse(ch.isOpen(), "round " + i);
            }
        }
    }
}
