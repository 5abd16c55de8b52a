package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.TestBackends;
import io.loomring.ffm.LibC;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ten thousand channel lives leave nothing behind, on carried threads and on ordinary virtual
 * threads of each backend: each life opens a file, writes, reads back (plain, positional,
 * scattering), and closes; now and then it also locks, forces, fails to open a missing file, is
 * interrupted before a read, or lives on a FIFO. Afterwards the process holds as many fds and
 * native blocks ({@link LibC#blocksHeld()}) as before (after a warm-up that creates what lives for
 * the whole run).
 */
class FileChannelLivesTest {
    private static final int LIVES = 10_000;
    private static final int WARM_UP = 200;
    private static final int THREADS = 4;
    private static final Set<OpenOption> OPTIONS = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(Backend.IO_URING, true), Arguments.of(Backend.IO_URING, false),
                Arguments.of(Backend.EPOLL, true), Arguments.of(Backend.EPOLL, false));
    }

    @ParameterizedTest(name = "{0}, carried: {1}")
    @MethodSource("cases")
    @Timeout(300)
    void tenThousandLivesLeaveNoFdOrNativeMemory(Backend backend, boolean carried) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            if (carried) {
                assumeTrue(io.carriesThreads(), io.carrierReason());
            }
            ThreadFactory threads = carried ? io.threadFactory() : Thread.ofVirtual().factory();
            for (int t = 0; t < THREADS; t++) {
                FileChannelContract.mkfifo(dir.resolve("fifo-" + t));
            }
            lives(io, threads, WARM_UP);
            long fds = Fds.openFdCount();
            long blocks = LibC.blocksHeld();
            lives(io, threads, LIVES);
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertEquals(fds, Fds.openFdCount(), "open fds");
                assertEquals(blocks, LibC.blocksHeld(), "native blocks held");
            });
        }
    }

    /** {@code count} lives, split over {@link #THREADS} threads with a file and a FIFO each. */
    private void lives(IoScheduler io, ThreadFactory threads, int count) throws Exception {
        CompletableFuture<?>[] all = new CompletableFuture<?>[THREADS];
        for (int t = 0; t < THREADS; t++) {
            Path file = dir.resolve("file-" + t);
            Path fifo = dir.resolve("fifo-" + t);
            int from = t * (count / THREADS);
            all[t] = OnThread.start(threads, () -> {
                for (int i = from; i < from + count / THREADS; i++) {
                    life(io, file, fifo, i);
                }
                return null;
            });
        }
        for (CompletableFuture<?> f : all) {
            OnThread.get(f);
        }
    }

    private static void life(IoScheduler io, Path file, Path fifo, int i) throws Exception {
        try (FileChannel ch = LoomringFileChannel.open(io, file, OPTIONS)) {
            ByteBuffer out = ByteBuffer.allocate(64);
            out.putInt(i).put(new byte[56]).putInt(~i).flip();
            assertEquals(64, ch.write(out));
            ByteBuffer direct = ByteBuffer.allocateDirect(8).putLong(i * 31L).flip();
            assertEquals(8, ch.write(direct, 64));
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            assertEquals(64, ch.read(in, 0));
            assertEquals(i, in.getInt(0));
            assertEquals(~i, in.getInt(60));
            ch.position(60);
            ByteBuffer[] scatter = {ByteBuffer.allocate(4), ByteBuffer.allocateDirect(8)};
            assertEquals(12, ch.read(scatter));
            assertEquals(i * 31L, scatter[1].getLong(0));
            assertEquals(72, ch.size());
            if (i % 10 == 0) {
                FileLock lock = ch.tryLock();
                assertNotNull(lock);
                lock.release();
                ch.force(false);
                ch.truncate(10);
            }
        }
        if (i % 25 == 0) {
            assertThrows(NoSuchFileException.class,
                    () -> LoomringFileChannel.open(io, file.resolveSibling("missing"), Set.of(StandardOpenOption.READ)));
        }
        if (i % 50 == 0) {
            FileChannel ch = LoomringFileChannel.open(io, file, Set.of(StandardOpenOption.READ));
            Thread.currentThread().interrupt();
            assertThrows(ClosedByInterruptException.class, () -> ch.read(ByteBuffer.allocate(8)));
            assertTrue(Thread.interrupted());
            assertFalse(ch.isOpen());
        }
        if (i % 100 == 0) {
            try (FileChannel ch = LoomringFileChannel.open(io, fifo, Set.of(StandardOpenOption.READ,
                    StandardOpenOption.WRITE))) {
                assertEquals(4, ch.write(ByteBuffer.allocate(4).putInt(i).flip()));
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                assertEquals(4, ch.read(b));
                assertEquals(i, b.getInt(0));
            }
        }
        assertTrue(Files.exists(file));
    }
}
