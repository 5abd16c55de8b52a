package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code transferTo} and {@code transferFrom} between files, to a pipe and a socket, with their
 * bounds and position rules; {@code map} in each mode, seeing the channel's bytes and writing them.
 */
class FileChannelTransferContractTest extends FileChannelContract {

    @Test
    void transferToAnotherFileMovesTheTargetPositionOnly() throws Exception {
        byte[] data = random(200_000, 1);
        Path src = file("src", data);
        Path dst = dir.resolve("dst");
        try (FileChannel in = open(src, READ); FileChannel out = open(dst, CREATE_NEW, WRITE)) {
            in.position(7);
            out.write(ascii("head"));
            assertEquals(150_000, in.transferTo(10_000, 150_000, out));
            assertEquals(7, in.position(), "the source position is not moved");
            assertEquals(4 + 150_000, out.position(), "the target's position moves by what was written");
            assertEquals(40_000, in.transferTo(160_000, 1_000_000, out), "up to the end of the source");
            assertEquals(0, in.transferTo(200_000, 10, out), "nothing at the end");
            assertEquals(0, in.transferTo(300_000, 10, out), "nothing past the end");
            assertEquals(0, in.transferTo(0, 0, out));
        }
        byte[] expected = new byte[4 + 190_000];
        System.arraycopy("head".getBytes(), 0, expected, 0, 4);
        System.arraycopy(data, 10_000, expected, 4, 190_000);
        assertFileHolds(dst, expected);
    }

    @Test
    void transferFromAnotherFileUsesTheSourcePosition() throws Exception {
        byte[] data = random(100_000, 2);
        Path src = file("src", data);
        Path dst = file("dst", "0123456789");
        try (FileChannel in = open(src, READ); FileChannel out = open(dst, READ, WRITE)) {
            in.position(1000);
            out.position(3);
            assertEquals(50_000, out.transferFrom(in, 5, 50_000));
            assertEquals(51_000, in.position(), "the source position moves by what was read");
            assertEquals(3, out.position(), "this channel's position is not moved");
            assertEquals(49_000, out.transferFrom(in, 50_005, 1_000_000), "up to the source's end");
            assertEquals(0, out.transferFrom(in, 0, 10), "nothing from a source at its end");
        }
        byte[] expected = new byte[5 + 99_000];
        System.arraycopy("01234".getBytes(), 0, expected, 0, 5);
        System.arraycopy(data, 1000, expected, 5, 99_000);
        assertFileHolds(dst, expected);
    }

    @Test
    void transferFromAtOrPastTheEndGrowsTheFile() throws Exception {
        Path dst = file("dst", "ab");
        try (FileChannel out = open(dst, READ, WRITE)) {
            assertEquals(3, out.transferFrom(java.nio.channels.Channels.newChannel(
                    new java.io.ByteArrayInputStream("cde".getBytes())), 2, 10), "at the end");
            assertEquals(2, out.transferFrom(java.nio.channels.Channels.newChannel(
                    new java.io.ByteArrayInputStream("xy".getBytes())), 8, 2), "past the end: the file grows");
            assertEquals(10, out.size());
        }
        assertFileHolds(dst, new byte[] {'a', 'b', 'c', 'd', 'e', 0, 0, 0, 'x', 'y'});
    }

    @Test
    void transferToAPipeAndFromIt() throws Exception {
        byte[] data = random(30_000, 3);
        Path src = file("src", data);
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source();
             FileChannel in = open(src, READ)) {
            assertEquals(30_000, in.transferTo(0, 30_000, sink));
            ByteBuffer got = ByteBuffer.allocate(30_000);
            while (got.hasRemaining()) {
                source.read(got);
            }
            assertArrayEquals(data, got.array());
            sink.write(ByteBuffer.wrap(data, 0, 20_000));
            Path dst = dir.resolve("dst");
            try (FileChannel out = open(dst, CREATE_NEW, WRITE)) {
                long n = 0;
                while (n < 20_000) {
                    n += out.transferFrom(source, n, 20_000 - n);
                }
                assertEquals(20_000, out.size());
            }
            assertFileHolds(dst, Arrays.copyOf(data, 20_000));
        }
    }

    @Test
    void transferToASocket() throws Exception {
        byte[] data = random(1 << 20, 4);
        Path src = file("src", data);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel peer = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(data.length);
                    while (b.hasRemaining() && peer.read(b) >= 0) {
                        // keep reading
                    }
                    return b.array();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress()); FileChannel in = open(src, READ)) {
                long n = 0;
                while (n < data.length) {
                    n += in.transferTo(n, data.length - n, client);
                }
            }
            assertArrayEquals(data, received.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void transferChecksItsArgumentsAndModes() throws Exception {
        Path a = file("a", "abc");
        Path b = file("b", "xyz");
        try (FileChannel readOnly = open(a, READ); FileChannel writeOnly = open(b, WRITE)) {
            assertThrows(NonWritableChannelException.class, () -> readOnly.transferTo(0, 1, readOnly));
            assertThrows(NonReadableChannelException.class, () -> writeOnly.transferTo(0, 1, writeOnly));
            assertThrows(NonReadableChannelException.class, () -> writeOnly.transferFrom(writeOnly, 0, 1));
            assertThrows(NonWritableChannelException.class, () -> readOnly.transferFrom(readOnly, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> readOnly.transferTo(-1, 1, writeOnly));
            assertThrows(IllegalArgumentException.class, () -> readOnly.transferTo(0, -1, writeOnly));
            assertThrows(IllegalArgumentException.class, () -> writeOnly.transferFrom(readOnly, -1, 1));
            assertThrows(IllegalArgumentException.class, () -> writeOnly.transferFrom(readOnly, 0, -1));
        }
        assertFileHolds(a, "abc");
        assertFileHolds(b, "xyz");
    }

    @Test
    void mapsSeeTheChannelsBytesAndWriteThem() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ, WRITE)) {
            MappedByteBuffer ro = ch.map(MapMode.READ_ONLY, 2, 5);
            assertEquals(true, ro.isReadOnly());
            byte[] got = new byte[5];
            ro.get(got);
            assertArrayEquals("23456".getBytes(), got);
            MappedByteBuffer rw = ch.map(MapMode.READ_WRITE, 0, 10);
            rw.put(3, (byte) 'x');
            rw.force();
            assertEquals('x', ro.get(1), "a read-only map sees what a read-write map wrote");
            ByteBuffer b = ByteBuffer.allocate(10);
            ch.read(b, 0);
            assertEquals("012x456789", filled(b), "the channel sees it too");
            ch.write(ascii("Y"), 4);
            assertEquals('Y', ro.get(2), "and the maps see what the channel wrote");
            MappedByteBuffer priv = ch.map(MapMode.PRIVATE, 0, 10);
            priv.put(0, (byte) 'P');
            assertEquals('0', rw.get(0), "a private map's writes stay its own");
            MappedByteBuffer grown = ch.map(MapMode.READ_WRITE, 0, 16);
            assertEquals(16, ch.size(), "a read-write map past the end grows the file");
            assertEquals(0, ch.map(MapMode.READ_ONLY, 0, 20).get(18), "so does a read-only one of a writable channel");
            assertEquals(20, ch.size());
            grown = ch.map(MapMode.READ_WRITE, 0, 20);
            grown.put(19, (byte) 'z');
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = ch.map(MapMode.READ_ONLY, 0, 20, arena);
                assertEquals('z', s.get(ValueLayout.JAVA_BYTE, 19));
                assertEquals('Y', s.get(ValueLayout.JAVA_BYTE, 4));
            }
        }
        byte[] expected = new byte[20];
        System.arraycopy("012xY56789".getBytes(), 0, expected, 0, 10);
        expected[19] = 'z';
        assertFileHolds(p, expected);
    }

    @Test
    void mapChecksTheChannelsModes() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel readOnly = open(p, READ)) {
            assertThrows(NonWritableChannelException.class, () -> readOnly.map(MapMode.READ_WRITE, 0, 10));
            assertEquals('5', readOnly.map(MapMode.READ_ONLY, 0, 10).get(5));
            assertThrows(NonWritableChannelException.class, () -> readOnly.map(MapMode.PRIVATE, 0, 10),
                    "a private map needs a channel open for writing too");
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> readOnly.map(MapMode.READ_ONLY, 0, 20));
            assertEquals("Channel not open for writing - cannot extend file to required size", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> readOnly.map(MapMode.READ_ONLY, -1, 10));
            assertThrows(IllegalArgumentException.class, () -> readOnly.map(MapMode.READ_ONLY, 0, -1));
        }
        try (FileChannel writeOnly = open(p, WRITE)) {
            assertThrows(NonReadableChannelException.class, () -> writeOnly.map(MapMode.READ_ONLY, 0, 10));
            assertThrows(NonReadableChannelException.class, () -> writeOnly.map(MapMode.READ_WRITE, 0, 10));
        }
        assertEquals(10, Files.size(p));
    }
}
