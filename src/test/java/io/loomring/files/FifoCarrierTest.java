package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.TestBackends;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A carried thread that waits on a FIFO leaves its carrier to the others: with one carrier, a
 * second carried thread keeps ticking for the 2 s that a read of a FIFO nobody writes (or an open
 * of a FIFO for reading that waits for its writer) is blocked; then a writer comes and the call
 * completes with the bytes. A read that blocked in the kernel on the carrier would stop the
 * ticking thread for those 2 s (and fails this test).
 */
@Timeout(60)
class FifoCarrierTest {
    private static final Duration BLOCKED = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aReadOfAFifoNobodyWritesLeavesTheCarrierToOthers(Backend backend) throws Exception {
        Path fifo = FileChannelContract.mkfifo(dir.resolve("f"));
        try (IoScheduler io = scheduler(backend);
             FileChannel writer = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Ticker ticker = new Ticker(io)) {
            Reader reader = new Reader(io, fifo); // the writer is there: the open returns, the read waits
            ticker.keepsTickingWhileBlocked(reader);
            writer.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("hello", OnThread.get(reader.result), "the read completes with the bytes written");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void anOpenOfAFifoWaitingForItsWriterLeavesTheCarrierToOthers(Backend backend) throws Exception {
        Path fifo = FileChannelContract.mkfifo(dir.resolve("f"));
        try (IoScheduler io = scheduler(backend); Ticker ticker = new Ticker(io)) {
            Reader reader = new Reader(io, fifo); // O_RDONLY on a FIFO: the open waits for a writer
            try {
                ticker.keepsTickingWhileBlocked(reader);
            } finally { // the writer comes in any case, so that a reader stuck in its open ends too
                try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                    writer.write(ByteBuffer.wrap("opened".getBytes(StandardCharsets.US_ASCII)));
                }
            }
            assertEquals("opened", OnThread.get(reader.result), "the open and the read complete");
        }
    }

    private static IoScheduler scheduler(Backend backend) {
        TestBackends.assumeAvailable(backend);
        IoScheduler io = IoScheduler.builder().backend(backend).carriers(1).build();
        assertEquals(backend, io.backend());
        assertEquals(1, io.carriers());
        assertTrue(io.carriesThreads(), io.carrierReason());
        return io;
    }

    /** A carried thread that opens the FIFO for reading and reads it once. */
    private static final class Reader {
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final CompletableFuture<String> result;

        Reader(IoScheduler io, Path fifo) {
            result = OnThread.start(io.threadFactory(), () -> {
                thread.set(Thread.currentThread());
                try (FileChannel ch = LoomringFileChannel.open(io, fifo, Set.of(StandardOpenOption.READ))) {
                    ByteBuffer b = ByteBuffer.allocate(16);
                    int n = ch.read(b);
                    return new String(b.array(), 0, n, StandardCharsets.US_ASCII);
                }
            });
        }
    }

    /** A carried thread on the one carrier that ticks once a millisecond until closed. */
    private static final class Ticker implements AutoCloseable {
        final AtomicLong ticks = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();

        Ticker(IoScheduler io) {
            OnThread.start(io.threadFactory(), () -> {
                while (!stop.get()) {
                    ticks.incrementAndGet();
                    LockSupport.parkNanos(1_000_000L);
                }
                return null;
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() > 0);
        }

        /**
         * Waits until the reader is in its file call, then asserts that for {@link #BLOCKED} the
         * call stays blocked while this thread keeps ticking (hundreds of ticks, where a carrier
         * held by the call would allow none).
         */
        void keepsTickingWhileBlocked(Reader reader) {
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> reader.result.isDone() || reader.thread.get() != null && inFileIo(reader.thread.get()));
            long before = ticks.get();
            long start = System.nanoTime();
            try {
                Awaitility.await().during(BLOCKED).atMost(BLOCKED.plusSeconds(5)).until(() -> !reader.result.isDone());
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the call did not stay blocked for " + BLOCKED + ": " + outcome(reader.result), e);
            }
            long ticked = ticks.get() - before;
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ticked > 200, "the ticker on the same carrier ticked " + ticked + " times in the " + millis
                    + " ms the call was blocked");
        }

        @Override
        public void close() {
            stop.set(true);
        }
    }

    private static String outcome(CompletableFuture<?> f) {
        try {
            return "it returned " + f.getNow(null);
        } catch (Exception e) {
            return "it threw " + (e.getCause() != null ? e.getCause() : e);
        }
    }

    /** The reader is inside a file call (a ring operation, an await, the blocking pool: or the carrier's kernel). */
    private static boolean inFileIo(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals(FileIo.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
