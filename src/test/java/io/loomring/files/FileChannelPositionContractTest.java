package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

/**
 * The position, the size, truncation (shrinks only; a position past the new size is pulled back),
 * append mode (the position is the size, and every write goes to the end) and force.
 */
class FileChannelPositionContractTest extends FileChannelContract {

    @Test
    void positionMovesFreelyPastTheEndWithoutGrowingTheFile() throws Exception {
        Path p = file("a", "abcdef");
        try (FileChannel ch = open(p, READ)) {
            assertSame(ch, ch.position(4));
            assertEquals(4, ch.position());
            ByteBuffer b = ByteBuffer.allocate(8);
            assertEquals(2, ch.read(b));
            assertEquals("ef", filled(b));
            ch.position(1L << 40);
            assertEquals(1L << 40, ch.position());
            assertEquals(6, ch.size());
            assertEquals(-1, ch.read(b));
        }
    }

    @Test
    void sizeFollowsTheFileAsOthersChangeIt() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ)) {
            assertEquals(3, ch.size());
            Files.write(p, new byte[1000], StandardOpenOption.APPEND);
            assertEquals(1003, ch.size());
            Files.write(p, new byte[5]);
            assertEquals(5, ch.size());
        }
    }

    @Test
    void truncateShrinksAndPullsThePositionBack() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ, WRITE)) {
            ch.position(8);
            assertSame(ch, ch.truncate(5));
            assertEquals(5, ch.size());
            assertEquals(5, ch.position(), "a position past the new size becomes the size");
            ch.position(2);
            ch.truncate(4);
            assertEquals(4, ch.size());
            assertEquals(2, ch.position(), "a position within the new size stays");
            ch.truncate(0);
            assertEquals(0, ch.size());
            assertEquals(0, ch.position());
        }
        assertFileHolds(p, "");
    }

    @Test
    void truncateNeverGrowsTheFile() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ, WRITE)) {
            ch.position(3);
            assertSame(ch, ch.truncate(100));
            assertEquals(10, ch.size());
            assertEquals(3, ch.position());
            ch.position(50);
            ch.truncate(20);
            assertEquals(10, ch.size());
            assertEquals(20, ch.position(), "a position past the given size still becomes that size");
        }
        assertFileHolds(p, "0123456789");
    }

    @Test
    void truncateNeedsAWritableChannel() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ)) {
            assertThrows(NonWritableChannelException.class, () -> ch.truncate(2));
        }
        assertFileHolds(p, "0123456789");
    }

    @Test
    void appendModeWritesAtTheEndAndItsPositionIsTheSize() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, WRITE, APPEND)) {
            assertEquals(10, ch.position(), "in append mode the position is the size");
            assertEquals(3, ch.write(ascii("abc")));
            assertEquals(13, ch.position());
            ch.position(2);
            assertEquals(2, ch.write(directAscii("de")));
            assertEquals(15, ch.position(), "the write went to the end, wherever the position was set");
            Files.write(p, new byte[] {'!'}, StandardOpenOption.APPEND);
            assertEquals(16, ch.position(), "the position follows the size as others grow the file");
            assertEquals(3, ch.write(new ByteBuffer[] {ascii("f"), directAscii("g"), ascii("h")}));
            assertEquals(19, ch.size());
            assertThrows(NonReadableChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        }
        assertFileHolds(p, "0123456789abcde!fgh");
    }

    @Test
    void appendAloneOpensForWriting() throws Exception {
        Path p = file("a", "ab");
        try (FileChannel ch = open(p, APPEND)) {
            assertEquals(1, ch.write(ascii("c")));
            assertEquals(3, ch.position());
            assertThrows(NonReadableChannelException.class, () -> ch.read(ByteBuffer.allocate(1), 0));
        }
        assertFileHolds(p, "abc");
    }

    @Test
    void truncateInAppendModeKeepsThePositionAtTheEnd() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, WRITE, APPEND)) {
            ch.truncate(4);
            assertEquals(4, ch.size());
            assertEquals(4, ch.position());
            ch.write(ascii("x"));
        }
        assertFileHolds(p, "0123x");
    }

    @Test
    void forceWithAndWithoutMetadata() throws Exception {
        Path p = dir.resolve("a");
        try (FileChannel ch = open(p, CREATE_NEW, WRITE)) {
            ch.write(ascii("abc"));
            ch.force(true);
            ch.write(ascii("def"));
            ch.force(false);
            assertFileHolds(p, "abcdef");
        }
        try (FileChannel ch = open(p, READ)) {
            ch.force(true);
            ch.force(false);
        }
    }

    @Test
    void truncateExistingEmptiesTheFileOnlyWhenWriting() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ, TRUNCATE_EXISTING)) {
            assertEquals(3, ch.size(), "TRUNCATE_EXISTING without WRITE is ignored");
        }
        try (FileChannel ch = open(p, WRITE, TRUNCATE_EXISTING)) {
            assertEquals(0, ch.size());
            assertEquals(0, ch.position());
        }
        assertFileHolds(p, "");
    }
}
