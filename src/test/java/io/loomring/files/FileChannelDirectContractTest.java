package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code DIRECT} (O_DIRECT): aligned buffers, sizes and positions move bytes;
 * a misaligned channel position, buffer position or remaining size is an {@link IOException}
 * with the JDK's message, before anything reaches the file. The files live under {@code target/}
 * (on the real disk: tmpfs refuses O_DIRECT); the tests are skipped where the JDK itself cannot
 * open a file there with O_DIRECT.
 */
class FileChannelDirectContractTest extends FileChannelContract {
    /**
     * {@code com.sun.nio.file.DIRECT}, looked up by name: the library's module
     * does not read {@code jdk.unsupported}, which the tests compile in; they run on the class
     * path, where it is there.
     */
    static final OpenOption DIRECT = direct();
    private Path directDir;
    private int block;

    @BeforeEach
    void directDirectory() throws IOException {
        Files.createDirectories(Path.of("target"));
        directDir = Files.createTempDirectory(Path.of("target"), "direct-io-");
        Path probe = directDir.resolve("probe");
        try (FileChannel jdk = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                DIRECT)) {
            block = Math.toIntExact(Files.getFileStore(probe).getBlockSize());
        } catch (IOException e) {
            assumeTrue(false, "the JDK cannot open a file with O_DIRECT under target/: " + e);
        }
    }

    @AfterEach
    void removeDirectory() throws IOException {
        if (directDir != null) {
            try (Stream<Path> files = Files.walk(directDir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static OpenOption direct() {
        try {
            Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
            return (OpenOption) c.getField("DIRECT").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no com.sun.nio.file.DIRECT here", e);
        }
    }

    private FileChannel openDirect(String name) throws IOException {
        return open(directDir.resolve(name), CREATE, READ, WRITE, DIRECT);
    }

    private ByteBuffer aligned(int size) {
        int capacity = (size + block - 1) / block * block;
        return ByteBuffer.allocateDirect(capacity + block).alignedSlice(block).limit(size);
    }

    @Test
    void alignedBuffersPositionsAndSizesMoveBytes() throws Exception {
        byte[] data = random(2 * block, 7);
        try (FileChannel ch = openDirect("a")) {
            ByteBuffer out = aligned(2 * block).put(data).flip();
            assertEquals(2 * block, ch.write(out));
            assertEquals(2 * block, ch.position());
            ByteBuffer in = aligned(2 * block);
            assertEquals(2 * block, ch.read(in, 0));
            byte[] got = new byte[2 * block];
            in.flip().get(got);
            assertArrayEquals(data, got);
            ch.position(block);
            ByteBuffer one = aligned(block);
            assertEquals(block, ch.read(one));
            assertEquals(data[block], one.get(0));
            ByteBuffer heap = ByteBuffer.wrap(data, 0, block);
            assertEquals(block, ch.write(heap, 2 * block), "a heap buffer of an aligned size is fine too");
            ByteBuffer heapIn = ByteBuffer.allocate(block);
            assertEquals(block, ch.read(heapIn, 2 * block));
            assertEquals(data[5], heapIn.get(5));
            assertEquals(-1, ch.read(aligned(block), 3 * block));
            assertEquals(3 * block, ch.size());
        }
    }

    @Test
    void aMisalignedChannelPositionIsRefused() throws Exception {
        try (FileChannel ch = openDirect("a")) {
            ch.write(aligned(block));
            ch.position(1);
            assertMessage("Channel position (1) is not a multiple of the block size (" + block + ")",
                    () -> ch.write(aligned(block)));
            assertMessage("Channel position (1) is not a multiple of the block size (" + block + ")",
                    () -> ch.read(aligned(block)));
            assertMessage("Channel position (7) is not a multiple of the block size (" + block + ")",
                    () -> ch.write(aligned(block), 7));
            assertMessage("Channel position (7) is not a multiple of the block size (" + block + ")",
                    () -> ch.read(aligned(block), 7));
            assertMessage("Channel position (1) is not a multiple of the block size (" + block + ")",
                    () -> ch.write(new ByteBuffer[] {aligned(block)}));
            assertEquals(block, ch.size(), "nothing was written");
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void aMisalignedBufferPositionIsRefused() throws Exception {
        try (FileChannel ch = openDirect("a")) {
            ByteBuffer b = aligned(2 * block);
            b.position(1).limit(1 + block);
            String message = "Current position of the bytebuffer (1) is not a multiple of the block size (" + block
                    + "): alignment offset = 1";
            assertMessage(message, () -> ch.write(b));
            assertMessage(message, () -> ch.read(b, 0));
            b.limit(101);
            assertMessage(message, () -> ch.write(b, 0), "the buffer's position is checked before its size");
            assertEquals(1, b.position());
            assertEquals(0, ch.size(), "nothing was written");
        }
    }

    @Test
    void aMisalignedSizeIsRefused() throws Exception {
        try (FileChannel ch = openDirect("a")) {
            String message = "Number of remaining bytes (100) is not a multiple of the block size (" + block + ")";
            assertMessage(message, () -> ch.write(aligned(100)));
            assertMessage(message, () -> ch.read(aligned(100), 0));
            assertMessage(message, () -> ch.write(ByteBuffer.allocate(100)));
            assertMessage(message, () -> ch.read(ByteBuffer.allocate(100)));
            assertMessage(message, () -> ch.write(new ByteBuffer[] {aligned(block), aligned(100)}));
            assertEquals(0, ch.size(), "nothing was written");
        }
    }

    private static void assertMessage(String expected, Executable call) {
        assertMessage(expected, call, null);
    }

    private static void assertMessage(String expected, Executable call, String why) {
        IOException e = assertThrows(IOException.class, call);
        assertEquals(IOException.class, e.getClass());
        assertEquals(expected, e.getMessage(), why);
    }
}
