package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Pipe}: real pipe fds, non-blocking and close-on-exec, awaited on both backends, closed once. */
class PipeTest {
    @Test
    void bothEndsAreNonBlockingCloseOnExecPipeFds() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            for (int fd : new int[] {pipe.readFd(), pipe.writeFd()}) {
                assertTrue(FdFlags.kind(fd).startsWith("pipe:["), FdFlags.kind(fd));
                assertEquals(FdFlags.O_NONBLOCK, FdFlags.flags(fd) & FdFlags.O_NONBLOCK, "O_NONBLOCK");
                assertEquals(FdFlags.O_CLOEXEC, FdFlags.flags(fd) & FdFlags.O_CLOEXEC, "O_CLOEXEC");
            }
            assertEquals(FdFlags.kind(pipe.readFd()), FdFlags.kind(pipe.writeFd()), "one pipe, two ends");
            assertNotEquals(pipe.readFd(), pipe.writeFd());
        }
    }

    @Test
    void bytesGoThroughHeapAndDirectBuffersAndAnEmptyPipeReadsZero() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer heap = ByteBuffer.allocate(16);
            assertEquals(0, pipe.read(heap), "empty pipe: 0, not a block");
            assertEquals(3, pipe.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            ByteBuffer direct = ByteBuffer.allocateDirect(4).put((byte) 4).flip();
            assertEquals(1, pipe.write(direct));
            assertEquals(1, direct.position());

            ByteBuffer small = ByteBuffer.allocate(2);
            assertEquals(2, pipe.read(small));
            assertArrayEquals(new byte[] {1, 2}, small.array());
            ByteBuffer rest = ByteBuffer.allocateDirect(8);
            assertEquals(2, pipe.read(rest));
            assertEquals(2, rest.position());
            assertEquals(3, rest.get(0));
            assertEquals(4, rest.get(1));
            assertEquals(0, pipe.read(heap));
            assertEquals(0, pipe.read(ByteBuffer.allocate(0)), "no room: 0");
            assertEquals(0, pipe.write(ByteBuffer.allocate(0)), "nothing to write: 0");
        }
    }

    @Test
    void aFullPipeWritesZeroAndAHeapBufferLargerThanAChunkWritesPartially() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer big = ByteBuffer.allocate(1 << 20);
            long total = 0;
            int n;
            while ((n = pipe.write(big)) > 0) {
                total += n;
            }
            assertEquals(0, n);
            assertTrue(total > 0 && total < big.capacity(), "pipe took " + total);
            assertEquals(total, big.position());
            ByteBuffer drain = ByteBuffer.allocate(1 << 20);
            long read = 0;
            while ((n = pipe.read(drain.clear())) > 0) {
                read += n;
            }
            assertEquals(total, read);
        }
    }

    @Test
    void closingTheWriteEndGivesTheReaderEndOfStream() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            pipe.write(ByteBuffer.wrap(new byte[] {9}));
            long open = Fds.openFdCount();
            pipe.closeWriteEnd();
            assertEquals(open - 1, Fds.openFdCount());
            pipe.closeWriteEnd(); // idempotent
            assertEquals(open - 1, Fds.openFdCount());
            assertThrows(ClosedChannelException.class, pipe::writeFd);
            assertThrows(ClosedChannelException.class, () -> pipe.write(ByteBuffer.wrap(new byte[] {1})));
            ByteBuffer buf = ByteBuffer.allocate(4);
            assertEquals(1, pipe.read(buf));
            assertEquals(-1, pipe.read(buf));
            assertTrue(pipe.isOpen());
        }
    }

    @Test
    void closeReleasesBothFdsOnceAndLaterCallsThrow() throws IOException {
        long before = Fds.openFdCount();
        Pipe pipe = Pipe.open();
        int r = pipe.readFd();
        int w = pipe.writeFd();
        assertEquals(before + 2, Fds.openFdCount());
        pipe.close();
        assertEquals(before, Fds.openFdCount());
        assertFalse(pipe.isOpen());
        // The numbers are free again: new fds may take them, and a second close must not touch them.
        try (Pipe next = Pipe.open()) {
            pipe.close();
            pipe.closeWriteEnd();
            assertTrue(FdFlags.isOpen(next.readFd()) && FdFlags.isOpen(next.writeFd()));
            assertEquals(FdFlags.kind(next.readFd()), FdFlags.kind(next.writeFd()));
        }
        assertThrows(ClosedChannelException.class, pipe::readFd);
        assertThrows(ClosedChannelException.class, pipe::writeFd);
        assertThrows(ClosedChannelException.class, () -> pipe.read(ByteBuffer.allocate(1)));
        assertEquals(before, Fds.openFdCount(), "fds " + r + " and " + w + " leaked or closed twice");
    }

    @Test
    void manyPipesLeakNothing() throws IOException {
        long before = Fds.openFdCount();
        for (int i = 0; i < 500; i++) {
            try (Pipe pipe = Pipe.open()) {
                pipe.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                if (i % 2 == 0) {
                    pipe.closeWriteEnd();
                }
            }
        }
        assertEquals(before, Fds.openFdCount());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aVirtualThreadAwaitingTheReadEndWakesOnAWrite(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build(); Pipe pipe = Pipe.open()) {
            CompletableFuture<Byte> got = CompletableFuture.supplyAsync(() -> {
                try {
                    ByteBuffer buf = ByteBuffer.allocate(1);
                    while (pipe.read(buf) == 0) {
                        io.awaitReadable(pipe.readFd());
                    }
                    return buf.get(0);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, TestBackends.virtualThreads());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 1);
            assertFalse(got.isDone());
            pipe.write(ByteBuffer.wrap(new byte[] {42}));
            assertEquals((byte) 42, got.get(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aFullPipeIsNotWritableUntilTheReaderDrainsIt(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build(); Pipe pipe = Pipe.open()) {
            Fds.fill(pipe.writeFd());
            assertEquals(0, pipe.write(ByteBuffer.wrap(new byte[] {1})));
            assertFalse(io.awaitWritable(pipe.writeFd(), Duration.ofMillis(50)), "full pipe reported writable");
            ByteBuffer drain = ByteBuffer.allocate(1 << 20);
            while (pipe.read(drain.clear()) > 0) {
                // empty it
            }
            assertTrue(io.awaitWritable(pipe.writeFd(), Duration.ofSeconds(10)));
        }
    }
}
