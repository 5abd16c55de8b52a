package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reads and writes: relative ones move the channel's position, positional ones do not; the end of
 * the file is -1, a write past it leaves a hole of zeros; scattering and gathering over heap and
 * direct buffers; buffers of more than 16 MiB; the buffer checks.
 */
class FileChannelReadWriteContractTest extends FileChannelContract {

    @Test
    void relativeWritesAndReadsMoveThePosition() throws Exception {
        Path p = dir.resolve("a");
        try (FileChannel ch = open(p, CREATE_NEW, READ, WRITE)) {
            assertEquals(0, ch.position());
            assertEquals(5, ch.write(ascii("hello")));
            assertEquals(5, ch.position());
            assertEquals(6, ch.write(directAscii(" world")));
            assertEquals(11, ch.position());
            assertEquals(11, ch.size());
            ch.position(0);
            ByteBuffer b = ByteBuffer.allocate(32);
            assertEquals(11, ch.read(b));
            assertEquals("hello world", filled(b));
            assertEquals(11, ch.position());
            assertEquals(-1, ch.read(b), "end of file");
            assertEquals(11, ch.position());
        }
        assertFileHolds(p, "hello world");
    }

    @Test
    void positionalReadsAndWritesLeaveThePositionAlone() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ, WRITE)) {
            ch.position(2);
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            assertEquals(4, ch.read(b, 5));
            assertEquals("5678", filled(b));
            assertEquals(2, ch.position());
            assertEquals(2, ch.write(ascii("ab"), 8));
            assertEquals(2, ch.position());
            ByteBuffer rest = ByteBuffer.allocate(20);
            assertEquals(8, ch.read(rest));
            assertEquals("234567ab", filled(rest));
        }
        assertFileHolds(p, "01234567ab");
    }

    @Test
    void readsAtAndPastTheEndReturnMinusOne() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            assertEquals(-1, ch.read(b, 3));
            assertEquals(-1, ch.read(b, 1_000_000));
            assertEquals(0, b.position());
            assertEquals(2, ch.read(b, 1), "a read at the end's edge returns what is left");
            ch.position(1_000_000);
            assertEquals(-1, ch.read(b));
            assertEquals(-1, ch.read(new ByteBuffer[] {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(1)}));
            assertEquals(1_000_000, ch.position());
        }
    }

    @Test
    void emptyBuffersMoveNothingEvenAtTheEnd() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ, WRITE)) {
            ch.position(3);
            assertEquals(0, ch.read(ByteBuffer.allocate(0)));
            assertEquals(0, ch.read(ByteBuffer.allocateDirect(0), 10));
            assertEquals(0, ch.write(ByteBuffer.allocate(0)));
            assertEquals(0, ch.write(ByteBuffer.allocateDirect(0), 10));
            assertEquals(0, ch.read(new ByteBuffer[] {ByteBuffer.allocate(0), ByteBuffer.allocateDirect(0)}),
                    "a scattering read of mixed empty buffers");
            assertEquals(0, ch.read(new ByteBuffer[] {ByteBuffer.allocateDirect(0)}));
            assertEquals(0, ch.write(new ByteBuffer[] {ByteBuffer.allocate(0), ByteBuffer.allocateDirect(0)}));
            assertEquals(3, ch.size());
            assertEquals(3, ch.position());
        }
    }

    @Test
    void aWritePastTheEndLeavesAHoleOfZeros() throws Exception {
        Path p = file("a", "ab");
        try (FileChannel ch = open(p, READ, WRITE)) {
            ch.position(100);
            assertEquals(2, ch.size(), "moving the position does not grow the file");
            assertEquals(1, ch.write(ascii("x")));
            assertEquals(101, ch.size());
            assertEquals(1, ch.write(ascii("y"), 200));
            assertEquals(201, ch.size());
            assertEquals(101, ch.position());
            ByteBuffer hole = ByteBuffer.allocate(98);
            assertEquals(98, ch.read(hole, 2));
            assertArrayEquals(new byte[98], hole.array());
        }
        byte[] expected = new byte[201];
        expected[0] = 'a';
        expected[1] = 'b';
        expected[100] = 'x';
        expected[200] = 'y';
        assertFileHolds(p, expected);
    }

    @Test
    void readsLandAtTheBufferPosition() throws Exception {
        Path p = file("a", "abcdef");
        try (FileChannel ch = open(p, READ)) {
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(10), ByteBuffer.allocateDirect(10)}) {
                b.position(3).limit(6);
                assertEquals(3, ch.read(b, 1));
                assertEquals(6, b.position());
                assertEquals(6, b.limit());
                byte[] got = new byte[10];
                b.clear().get(got);
                assertArrayEquals(new byte[] {0, 0, 0, 'b', 'c', 'd', 0, 0, 0, 0}, got);
            }
        }
    }

    @Test
    void gatheringWriteAndScatteringReadOverHeapAndDirectBuffers() throws Exception {
        Path p = dir.resolve("a");
        try (FileChannel ch = open(p, CREATE_NEW, READ, WRITE)) {
            ByteBuffer[] out = {ascii("ab"), directAscii("cde"), ByteBuffer.allocate(0), ascii("fgh").position(1),
                    directAscii("ij")};
            assertEquals(9, ch.write(out));
            for (ByteBuffer b : out) {
                assertEquals(0, b.remaining(), "every buffer was written");
            }
            assertEquals(9, ch.position());
            assertEquals(3, ch.write(new ByteBuffer[] {ascii("xx"), directAscii("yyy"), ascii("zz")}, 1, 1),
                    "only the buffers offset and length name");
            ch.position(0);
            ByteBuffer[] in = {ByteBuffer.allocateDirect(3), ByteBuffer.allocate(2), ByteBuffer.allocate(0),
                    ByteBuffer.allocateDirect(20)};
            assertEquals(12, ch.read(in));
            assertEquals("abc", filled(in[0]));
            assertEquals("de", filled(in[1]));
            assertEquals("ghijyyy", filled(in[3]));
            assertEquals(-1, ch.read(in, 3, 1));
            ch.position(1);
            ByteBuffer[] two = {ByteBuffer.allocate(2), ByteBuffer.allocate(2), ByteBuffer.allocateDirect(2)};
            assertEquals(4, ch.read(two, 1, 2));
            assertEquals(0, two[0].position());
            assertEquals("bc", filled(two[1]));
            assertEquals("de", filled(two[2]));
            assertEquals(5, ch.position());
        }
        assertFileHolds(p, "abcdeghijyyy");
    }

    @Test
    void scatterAndGatherCheckOffsetAndLength() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ, WRITE)) {
            ByteBuffer[] bufs = {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(1)};
            assertThrows(IndexOutOfBoundsException.class, () -> ch.read(bufs, 1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> ch.write(bufs, -1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> ch.write(bufs, 0, 3));
            assertEquals(0, ch.read(bufs, 2, 0));
        }
    }

    @Test
    void buffersLargerThanSixteenMebibytesMoveWhole() throws Exception {
        int size = 20 << 20;
        byte[] data = random(size, 20);
        Path p = dir.resolve("big");
        try (FileChannel ch = open(p, CREATE_NEW, READ, WRITE)) {
            ByteBuffer heap = ByteBuffer.wrap(data);
            assertEquals(size, ch.write(heap), "a blocking channel writes the whole heap buffer in one call");
            assertEquals(size, ch.size());
            ByteBuffer in = ByteBuffer.allocate(size);
            assertEquals(size, ch.read(in, 0), "a read fills the whole heap buffer when the file has the bytes");
            assertArrayEquals(data, in.array());
            ByteBuffer[] halves = {ByteBuffer.allocate(size / 2), ByteBuffer.allocateDirect(1), ByteBuffer.allocate(size / 2)};
            ch.position(0);
            assertEquals(size, ch.read(halves), "a scattering read fills heap buffers of 20 MiB together");
            assertEquals(size / 2 - 1, halves[2].position());
            assertEquals(data[size / 2], halves[1].get(0));
        }
        assertFileHolds(p, data);
    }

    @Test
    void aLoopOfWritesOfATwentyMebibyteHeapBufferWritesItExactly() throws Exception {
        byte[] data = random(20 << 20, 21);
        Path p = dir.resolve("big");
        try (FileChannel ch = open(p, CREATE_NEW, WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                int n = ch.write(b);
                assertTrue(n > 0, "each write moves bytes");
            }
            assertEquals(data.length, ch.position());
            ByteBuffer[] gathered = {ByteBuffer.wrap(data, 0, 12 << 20), ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip(),
                    ByteBuffer.wrap(data, 12 << 20, 8 << 20)};
            long total = 0;
            while (gathered[2].hasRemaining()) {
                total += ch.write(gathered);
            }
            assertEquals(data.length + 3, total);
        }
        byte[] expected = Arrays.copyOf(data, data.length * 2 + 3);
        System.arraycopy(data, 0, expected, data.length, 12 << 20);
        expected[data.length + (12 << 20)] = 1;
        expected[data.length + (12 << 20) + 1] = 2;
        expected[data.length + (12 << 20) + 2] = 3;
        System.arraycopy(data, 12 << 20, expected, data.length + (12 << 20) + 3, 8 << 20);
        assertFileHolds(p, expected);
    }

    @Test
    void readOnlyAndNullBuffersAreRefused() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ, WRITE)) {
            ByteBuffer ro = ByteBuffer.allocate(4).asReadOnlyBuffer();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ch.read(ro));
            assertEquals("Read-only buffer", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ch.read(ro, 0));
            assertThrows(IllegalArgumentException.class, () -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(1), ro}));
            assertThrows(IllegalArgumentException.class,
                    () -> ch.read(ByteBuffer.allocateDirect(4).asReadOnlyBuffer()));
            assertEquals(0, ro.position());
            assertEquals(0, ch.position(), "nothing was read");
            assertEquals(2, ch.write(ascii("xy").asReadOnlyBuffer()), "a read-only buffer is fine to write from");
            assertThrows(NullPointerException.class, () -> ch.read((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> ch.write((ByteBuffer) null, 0));
        }
        assertFileHolds(p, "xyc");
    }

    @Test
    void negativePositionsAreRefused() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ, WRITE)) {
            assertThrows(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(1), -1));
            assertThrows(IllegalArgumentException.class, () -> ch.write(ascii("x"), -1));
            assertThrows(IllegalArgumentException.class, () -> ch.position(-1));
            assertThrows(IllegalArgumentException.class, () -> ch.truncate(-1));
        }
        assertFileHolds(p, "abc");
    }

    @Test
    void positionalWritesFromManyThreadsAllLand() throws Exception {
        int threads = 8;
        int each = 64;
        Path p = dir.resolve("a");
        try (FileChannel ch = open(p, CREATE_NEW, READ, WRITE)) {
            CompletableFuture<?>[] all = new CompletableFuture<?>[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                all[t] = io.loomring.OnThread.start(under.threads(), () -> {
                    for (int i = 0; i < each; i++) {
                        ByteBuffer b = ByteBuffer.allocate(8).putInt(id).putInt(i).flip();
                        assertEquals(8, ch.write(b, ((long) i * threads + id) * 8));
                    }
                    return null;
                });
            }
            CompletableFuture.allOf(all).get(30, TimeUnit.SECONDS);
            assertEquals((long) threads * each * 8, ch.size());
        }
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(p));
        for (int i = 0; i < each; i++) {
            for (int t = 0; t < threads; t++) {
                assertEquals(t, all.getInt());
                assertEquals(i, all.getInt());
            }
        }
    }
}
