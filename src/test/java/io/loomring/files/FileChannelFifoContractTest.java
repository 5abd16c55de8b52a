package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A channel on a FIFO: a read returns what is there and -1 once no writer is left; a write returns
 * only when all of it went in, as its reader drains the pipe; positions make no sense there. The
 * other end is the JDK's channel, opened for reading and writing so that its open does not wait.
 */
class FileChannelFifoContractTest extends FileChannelContract {

    @Test
    void aReadReturnsWhatIsThereAndMinusOneWhenNoWriterIsLeft() throws Exception {
        Path p = fifo("f");
        FileChannel other = FileChannel.open(p, READ, WRITE);
        try (FileChannel ch = open(p, READ)) {
            other.write(ascii("abc"));
            ByteBuffer b = ByteBuffer.allocate(10);
            assertEquals(3, ch.read(b), "what is there, not a full buffer");
            assertEquals("abc", filled(b));
            other.write(ascii("de"));
            ByteBuffer[] two = {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(10)};
            assertEquals(2, ch.read(two));
            other.close();
            assertEquals(-1, ch.read(b), "no writer left: the end");
        } finally {
            other.close();
        }
    }

    @Test
    void anOpenForReadingWaitsForAWriter() throws Exception {
        Path p = fifo("f");
        Started reader = start(under.threads(), () -> {
            try (FileChannel ch = open(p, READ)) {
                ByteBuffer b = ByteBuffer.allocate(16);
                int n = ch.read(b);
                return filled(b) + " " + n + " " + ch.read(ByteBuffer.allocate(1));
            }
        });
        try {
            awaitInOpenOrRead(reader.thread());
        } finally { // the writer comes in any case, so that a reader stuck in its open ends too
            try (FileChannel writer = otherEnd(p, WRITE)) {
                writer.write(ascii("hi"));
            }
        }
        assertEquals("hi 2 -1", reader.result().get(10, TimeUnit.SECONDS),
                "the reader gets what its writer wrote, then the end; not an end before the writer came");
    }

    @Test
    void anOpenForWritingWaitsForAReader() throws Exception {
        Path p = fifo("f");
        Started writer = start(under.threads(), () -> {
            try (FileChannel ch = open(p, WRITE)) {
                return ch.write(ascii("yo"));
            }
        });
        try {
            awaitInOpenOrRead(writer.thread());
        } catch (Throwable e) {
            FileChannel.open(p, READ, WRITE).close(); // a writer stuck in its open ends too
            throw e;
        }
        try (FileChannel reader = otherEnd(p, READ)) {
            assertEquals(2, writer.result().get(10, TimeUnit.SECONDS));
            ByteBuffer b = ByteBuffer.allocate(4);
            assertEquals(2, reader.read(b));
            assertEquals("yo", filled(b));
            assertEquals(-1, reader.read(b));
        }
    }

    /**
     * The JDK's end of the FIFO, opened on a platform thread (its open waits for the other end,
     * which must not hold this test's thread: a carrier, maybe). If the other end does not come
     * within 10 s the test fails, and a reader-and-writer open releases the waiting open.
     */
    private static FileChannel otherEnd(Path p, java.nio.file.OpenOption mode) throws Exception {
        CompletableFuture<FileChannel> open = CompletableFuture.supplyAsync(() -> {
            try {
                return FileChannel.open(p, mode);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
        try {
            return open.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            FileChannel.open(p, READ, WRITE).close();
            open.get(10, TimeUnit.SECONDS).close();
            throw new AssertionError("the other end of " + p + " never came to open it " + mode);
        }
    }

    /** Waits until {@code t} is in its open (or, where the open did not wait, its first read). */
    private static void awaitInOpenOrRead(Thread t) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !t.isAlive() || inOpenOrRead(t));
    }

    private static boolean inOpenOrRead(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            String c = f.getClassName();
            if (c.equals("sun.nio.fs.UnixNativeDispatcher") && f.getMethodName().startsWith("open")
                    || c.equals(FileIo.class.getName())) {
                return isBlocked(t) || t.getState() == Thread.State.WAITING || !t.isVirtual();
            }
        }
        return false;
    }

    @Test
    void aReadWaitsForTheWriter() throws Exception {
        Path p = fifo("f");
        try (FileChannel other = FileChannel.open(p, READ, WRITE); FileChannel ch = open(p, READ)) {
            Started read = start(under.threads(), () -> ch.read(ByteBuffer.allocate(10)));
            awaitBlocked(read.thread());
            other.write(ascii("xyz"));
            assertEquals(3, read.result().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWriteReturnsWhenAllOfItWentIn() throws Exception {
        byte[] data = random(1 << 20, 5);
        Path p = fifo("f");
        try (FileChannel other = FileChannel.open(p, READ, WRITE); FileChannel ch = open(p, WRITE)) {
            CompletableFuture<byte[]> drained = CompletableFuture.supplyAsync(() -> {
                try {
                    ByteBuffer in = ByteBuffer.allocate(2 * data.length);
                    while (in.hasRemaining()) {
                        other.read(in);
                    }
                    return in.array();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            assertEquals(data.length, ch.write(ByteBuffer.wrap(data)), "a heap buffer of 1 MiB, whole");
            ByteBuffer direct = ByteBuffer.allocateDirect(data.length / 2).put(data, 0, data.length / 2).flip();
            assertEquals(data.length, ch.write(new ByteBuffer[] {direct, ByteBuffer.wrap(data, data.length / 2,
                    data.length / 2)}), "a gathering write, whole");
            byte[] got = drained.get(30, TimeUnit.SECONDS);
            for (int copy = 0; copy < 2; copy++) {
                byte[] part = new byte[data.length];
                System.arraycopy(got, copy * data.length, part, 0, data.length);
                assertArrayEquals(data, part, "copy " + copy);
            }
        }
    }

    @Test
    void positionsMakeNoSenseOnAFifo() throws Exception {
        Path p = fifo("f");
        try (FileChannel other = FileChannel.open(p, READ, WRITE); FileChannel ch = open(p, READ, WRITE)) {
            assertEquals(0, ch.size());
            IOException e = assertThrows(IOException.class, ch::position);
            assertEquals("Illegal seek", e.getMessage());
            e = assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(1), 0));
            assertEquals("Illegal seek", e.getMessage());
            e = assertThrows(IOException.class, () -> ch.write(ascii("x"), 0));
            assertEquals("Illegal seek", e.getMessage());
            other.write(ascii("ok"));
            ByteBuffer b = ByteBuffer.allocate(2);
            assertEquals(2, ch.read(b), "the channel still works");
        }
    }
}
