package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.TestBackends;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writers append 64-byte records (writer id, sequence number, filler, CRC) to files of their own
 * in append mode (some with DSYNC, whose writes wait for the disk), half of them on carried
 * threads and half on ordinary virtual threads, while
 * disruptors interrupt them and close their channels at random. After each exception a writer
 * re-opens and goes on from what its buffers say was written: a record is retried only as its
 * unwritten remainder. In the end every file holds each record exactly once, whole and in order:
 * an exception that hid written bytes shows as a record twice, one that claimed bytes that were
 * not written as a record lost or torn. {@code -Dloomring.soak.seconds=N} per backend (default 5).
 */
class FileChannelSoakTest {
    private static final int RECORD = 64;
    private static final int WRITERS = 6;
    private static final long SECONDS = Long.getLong("loomring.soak.seconds", 5);
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    /** Slower writes (each waits for the disk), so that more disruptions land inside one. */
    private static final Set<OpenOption> APPEND_DSYNC = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, StandardOpenOption.DSYNC);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    @Timeout(120)
    void everyRecordOnceWholeAndInOrderDespiteInterruptsAndCloses(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            LongAdder interrupted = new LongAdder();
            LongAdder closedUnder = new LongAdder();
            LongAdder closedBefore = new LongAdder();
            List<Writer> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                ThreadFactory threads = w % 2 == 0 && io.carriesThreads() ? io.threadFactory() : Thread.ofVirtual().factory();
                writers.add(new Writer(w, dir.resolve("records-" + w), io, threads, stop, interrupted, closedUnder,
                        closedBefore));
            }
            List<CompletableFuture<Void>> disruptors = new ArrayList<>();
            for (int d = 0; d < 2; d++) {
                long seed = d;
                disruptors.add(OnThread.start(Thread.ofVirtual().factory(), () -> {
                    disrupt(writers, stop, new SplittableRandom(seed));
                    return null;
                }));
            }
            long end = System.nanoTime() + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(50_000_000L);
            }
            stop.set(true);
            for (CompletableFuture<Void> d : disruptors) {
                OnThread.get(d);
            }
            long records = 0;
            for (Writer w : writers) {
                long written = OnThread.get(w.done);
                checkRecords(w.id, w.file, written);
                records += written;
            }
            String summary = records + " records; " + interrupted.sum() + " interrupts, " + closedUnder.sum()
                    + " closes during a write, " + closedBefore.sum() + " closes between writes";
            System.out.println(backend + ": " + summary);
            assertTrue(records > 1000, summary);
            assertTrue(interrupted.sum() > 50, "the interrupts hit: " + summary);
            assertTrue(closedUnder.sum() + closedBefore.sum() > 50, "the closes hit: " + summary);
        }
    }

    /** One writer: its file, its thread, and the channel it writes through now. */
    private static final class Writer {
        final int id;
        final Path file;
        final AtomicReference<FileChannel> channel = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final CompletableFuture<Long> done;

        Writer(int id, Path file, IoScheduler io, ThreadFactory threads, AtomicBoolean stop, LongAdder interrupted,
               LongAdder closedUnder, LongAdder closedBefore) {
            this.id = id;
            this.file = file;
            this.done = OnThread.start(threads, () -> {
                thread.set(Thread.currentThread());
                return write(io, stop, interrupted, closedUnder, closedBefore);
            });
        }

        /** Writes records until stopped (finishing the one under way); returns how many. */
        private long write(IoScheduler io, AtomicBoolean stop, LongAdder interrupted, LongAdder closedUnder,
                           LongAdder closedBefore) throws IOException {
            long seq = 0;
            ByteBuffer[] record = null;
            FileChannel ch = null;
            boolean thrown = false;
            try {
                while (record != null || !stop.get()) {
                    if (ch == null || !ch.isOpen()) {
                        if (ch != null && !thrown) {
                            closedBefore.increment(); // closed between two writes
                        }
                        thrown = false;
                        Thread.interrupted(); // an interrupt that came between calls is spent here
                        try {
                            ch = LoomringFileChannel.open(io, file, id % 3 == 0 ? APPEND_DSYNC : APPEND);
                        } catch (ClosedByInterruptException e) {
                            interrupted.increment(); // interrupted in the open: nothing was opened
                            continue;
                        }
                        channel.set(ch);
                    }
                    if (record == null) {
                        record = record(id, seq);
                    }
                    try {
                        if (record.length == 1) {
                            ch.write(record[0]);
                        } else {
                            ch.write(record);
                        }
                    } catch (ClosedByInterruptException e) {
                        interrupted.increment();
                        thrown = true;
                    } catch (AsynchronousCloseException e) {
                        closedUnder.increment();
                        thrown = true;
                    } catch (ClosedChannelException e) {
                        closedBefore.increment();
                        thrown = true;
                    }
                    if (!record[record.length - 1].hasRemaining() && !record[0].hasRemaining()) {
                        seq++;
                        record = null;
                    }
                }
            } finally {
                channel.set(null);
                if (ch != null) {
                    ch.close();
                }
                Thread.interrupted();
            }
            return seq;
        }
    }

    /** Interrupts a writer or closes its channel, at random, every few hundred microseconds. */
    private static void disrupt(List<Writer> writers, AtomicBoolean stop, SplittableRandom random) throws IOException {
        while (!stop.get()) {
            LockSupport.parkNanos(100_000 + random.nextInt(400_000));
            Writer w = writers.get(random.nextInt(writers.size()));
            if (random.nextBoolean()) {
                Thread t = w.thread.get();
                if (t != null && !w.done.isDone()) {
                    t.interrupt();
                }
            } else {
                FileChannel ch = w.channel.get();
                if (ch != null) {
                    ch.close();
                }
            }
        }
    }

    /**
     * Record {@code seq} of writer {@code id}: id, sequence, filler, CRC32 of the first 56 bytes;
     * as one heap or direct buffer, or as two buffers for a gathering write.
     */
    static ByteBuffer[] record(int id, long seq) {
        ByteBuffer b = ByteBuffer.allocate(RECORD);
        b.putInt(id).putLong(seq);
        while (b.position() < RECORD - 8) {
            b.put((byte) (seq * 7 + b.position()));
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, RECORD - 8);
        b.putLong(crc.getValue()).flip();
        return switch ((int) (seq % 3)) {
            case 0 -> new ByteBuffer[] {b};
            case 1 -> new ByteBuffer[] {ByteBuffer.allocateDirect(RECORD).put(b).flip()};
            default -> new ByteBuffer[] {b.slice(0, 20), ByteBuffer.allocateDirect(RECORD - 20).put(b.position(20)).flip()};
        };
    }

    /** The file holds records 0 to {@code count - 1} of writer {@code id}, each once, whole, in order. */
    private static void checkRecords(int id, Path file, long count) throws IOException {
        byte[] all = Files.readAllBytes(file);
        assertEquals(count * RECORD, all.length, () -> "writer " + id + ": " + all.length + " bytes for " + count
                + " records (" + (all.length % RECORD) + " stray bytes)");
        for (long seq = 0; seq < count; seq++) {
            ByteBuffer expected = ByteBuffer.allocate(RECORD);
            for (ByteBuffer part : record(id, seq)) {
                expected.put(part);
            }
            ByteBuffer actual = ByteBuffer.wrap(all, (int) (seq * RECORD), RECORD);
            long s = seq;
            assertEquals(expected.flip(), actual, () -> "writer " + id + ": record " + s + " holds writer "
                    + actual.getInt(actual.position()) + "'s record " + actual.getLong(actual.position() + 4));
        }
    }
}
