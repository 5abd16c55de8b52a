package io.loomring.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Files} on the Loomring provider's paths: each call that opens a file opens it through the
 * provider's channel factory (counted, so a default method of {@code FileSystemProvider} or
 * {@code Files} that went around it fails here), and everything else reaches the built-in provider
 * and gives its answers, with paths that stay the Loomring provider's.
 */
class FilesOnProviderTest {
    private static final ProviderFixture F = new ProviderFixture();

    @AfterAll
    static void close() {
        F.close();
    }

    @Test
    void everyFileOpenGoesThroughTheProvidersChannel(@TempDir Path tmp) throws IOException {
        Path dir = F.wrap(tmp);
        Path file = dir.resolve("f.txt");
        F.opens(1, () -> Files.write(file, "one\ntwo\n".getBytes(UTF_8)));
        F.opens(1, () -> assertEquals("one\ntwo\n", new String(Files.readAllBytes(file), UTF_8)));
        F.opens(1, () -> assertEquals("one\ntwo\n", Files.readString(file)));
        F.opens(1, () -> assertEquals(List.of("one", "two"), Files.readAllLines(file)));
        F.opens(1, () -> {
            try (Stream<String> lines = Files.lines(file)) {
                assertEquals(List.of("one", "two"), lines.toList());
            }
        });
        F.opens(1, () -> {
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardOpenOption.APPEND)) {
                w.write("three\n");
            }
        });
        F.opens(1, () -> {
            try (BufferedReader r = Files.newBufferedReader(file)) {
                assertEquals(List.of("one", "two", "three"), r.lines().toList());
            }
        });
        F.opens(1, () -> Files.writeString(file, "four", StandardOpenOption.APPEND));
        F.opens(1, () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(64);
                ch.read(b, 4);
                assertEquals("two\nthree\nfour", new String(b.array(), 0, b.position(), UTF_8));
            }
        });
        F.opens(1, () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
                ch.position(ch.size()).write(ByteBuffer.wrap("!".getBytes(UTF_8)));
            }
        });
        F.opens(1, () -> {
            try (InputStream in = Files.newInputStream(file)) {
                assertEquals("one\ntwo\nthree\nfour!", new String(in.readAllBytes(), UTF_8));
            }
        });
        F.opens(1, () -> {
            try (OutputStream out = Files.newOutputStream(dir.resolve("o.bin"))) {
                out.write(new byte[] {1, 2, 3});
            }
        });
        F.opens(1, () -> Files.copy(new ByteArrayInputStream(new byte[] {4, 5}), dir.resolve("in.bin")));
        F.opens(1, () -> {
            try (OutputStream out = new java.io.ByteArrayOutputStream()) {
                assertEquals(2, Files.copy(dir.resolve("in.bin"), out));
            }
        });
        F.opens(1, () -> F.assertOurs(Files.createFile(dir.resolve("empty"))));
        F.opens(1, () -> F.assertOurs(Files.createTempFile(dir, "t", ".tmp")));
        F.opens(2, () -> assertEquals(0, Files.mismatch(dir.resolve("o.bin"), dir.resolve("in.bin"))));
        // A plain path given to the provider itself is opened on its channel too (FileSystemProvider's
        // own newInputStream would open it through Files, so on the built-in provider).
        F.opens(1, () -> F.provider.newFileChannel(tmp.resolve("f.txt"), Set.of()).close());
        F.opens(1, () -> F.provider.newInputStream(tmp.resolve("f.txt")).close());
        F.opens(1, () -> F.provider.newOutputStream(tmp.resolve("o.bin"), StandardOpenOption.APPEND).close());
    }

    @Test
    void directoriesCopyMoveWalkListAndDeleteStayOnTheProvidersPaths(@TempDir Path tmp) throws IOException {
        Path dir = F.wrap(tmp);
        Path deep = Files.createDirectories(dir.resolve("a/b/c"));
        F.assertOurs(deep);
        assertTrue(Files.isDirectory(tmp.resolve("a/b/c")));
        Path file = Files.writeString(deep.resolve("f.txt"), "content");
        F.assertOurs(file);

        F.opens(0, () -> F.assertOurs(Files.copy(file, dir.resolve("copy.txt"))));
        assertEquals("content", Files.readString(tmp.resolve("copy.txt")));
        Path moved = Files.move(dir.resolve("copy.txt"), dir.resolve("a/moved.txt"), StandardCopyOption.ATOMIC_MOVE);
        F.assertOurs(moved);
        assertFalse(Files.exists(dir.resolve("copy.txt")));
        assertTrue(Files.exists(moved));

        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.toList();
            all.forEach(F::assertOurs);
            assertEquals(List.of("", "a", "a/b", "a/b/c", "a/b/c/f.txt", "a/moved.txt"),
                    all.stream().map(p -> dir.relativize(p).toString()).sorted().toList());
        }
        try (Stream<Path> list = Files.list(dir.resolve("a"))) {
            List<Path> entries = list.toList();
            entries.forEach(F::assertOurs);
            assertEquals(Set.of(dir.resolve("a/b"), dir.resolve("a/moved.txt")), Set.copyOf(entries));
        }
        try (Stream<Path> found = Files.find(dir, 10, (p, a) -> a.isRegularFile() && p.toString().endsWith(".txt"))) {
            assertEquals(2, found.peek(F::assertOurs).count());
        }

        Files.delete(moved);
        assertFalse(Files.deleteIfExists(moved));
        assertTrue(Files.deleteIfExists(file));
        Files.delete(deep);
        assertFalse(Files.exists(tmp.resolve("a/b/c")));
    }

    @Test
    void directoryStreamsWrapEntriesAndTheFilterSeesWrappedPaths(@TempDir Path tmp) throws IOException {
        Path dir = F.wrap(tmp);
        for (String name : List.of("a.txt", "b.txt", "c.bin")) {
            Files.writeString(dir.resolve(name), name);
        }
        Files.createDirectory(dir.resolve("d.txt"));
        try (DirectoryStream<Path> glob = Files.newDirectoryStream(dir, "*.txt")) {
            List<String> names = new ArrayList<>();
            for (Path p : glob) {
                F.assertOurs(p);
                names.add(p.getFileName().toString());
            }
            assertEquals(List.of("a.txt", "b.txt", "d.txt"), names.stream().sorted().toList());
        }
        List<Path> filtered = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> {
            F.assertOurs(p);
            return Files.isRegularFile(p) && p.toString().endsWith(".txt");
        })) {
            files.forEach(filtered::add);
        }
        assertEquals(Set.of(dir.resolve("a.txt"), dir.resolve("b.txt")), Set.copyOf(filtered));
        assertThrows(NullPointerException.class, () -> F.provider.newDirectoryStream(dir, null));
    }

    @Test
    void attributesPermissionsTimesAndLinksAreTheBuiltInProvidersAnswers(@TempDir Path tmp) throws IOException {
        Path dir = F.wrap(tmp);
        Path file = Files.writeString(dir.resolve("f"), "12345");
        FileTime then = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));
        Files.setLastModifiedTime(file, then);
        assertEquals(then, Files.getLastModifiedTime(file));
        assertEquals(then, Files.getLastModifiedTime(tmp.resolve("f")));
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(file, perms);
        assertEquals(perms, Files.getPosixFilePermissions(file));
        assertEquals(perms, Files.getPosixFilePermissions(tmp.resolve("f")));
        assertEquals(5, Files.size(file));
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        assertEquals(Files.readAttributes(tmp.resolve("f"), BasicFileAttributes.class).fileKey(), attrs.fileKey());
        assertEquals(5L, Files.readAttributes(file, "size,lastModifiedTime").get("size"));
        Files.setAttribute(file, "posix:permissions", PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Files.getOwner(tmp.resolve("f")), Files.getOwner(file));
        assertTrue(Files.isReadable(file) && Files.isWritable(file) && !Files.isExecutable(file));
        assertTrue(Files.exists(file) && Files.isRegularFile(file) && !Files.isDirectory(file));
        assertFalse(Files.exists(dir.resolve("missing")) || Files.isRegularFile(dir.resolve("missing")));
        assertTrue(Files.notExists(dir.resolve("missing")));
        assertFalse(Files.isHidden(file));
        assertTrue(Files.isHidden(Files.createFile(dir.resolve(".hidden"))));
        assertEquals(Files.getFileStore(tmp).name(), Files.getFileStore(dir).name());
        Path text = Files.writeString(dir.resolve("p.txt"), "x");
        assertEquals(Files.probeContentType(tmp.resolve("p.txt")), Files.probeContentType(text));

        Path link = Files.createSymbolicLink(dir.resolve("link"), F.fs.getPath("f"));
        F.assertOurs(link);
        Path target = Files.readSymbolicLink(link);
        F.assertOurs(target);
        assertEquals("f", target.toString());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("12345", Files.readString(link));
        Path hard = Files.createLink(dir.resolve("hard"), file);
        assertTrue(Files.isSameFile(hard, file));
        assertTrue(Files.isSameFile(link, file));
        assertFalse(Files.isSameFile(dir.resolve("p.txt"), file));
        assertTrue(F.provider.isSameFile(file, tmp.resolve("f")));
    }

    @Test
    void asynchronousChannelsAreTheBuiltInProviders(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(F.wrap(tmp).resolve("f"), "async");
        F.opens(0, () -> {
            try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(16);
                assertEquals(5, (int) ch.read(b, 0).get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void watchServiceSeesACreatedFileAndNamesWrappedPaths(@TempDir Path tmp) throws Exception {
        Path dir = F.wrap(tmp);
        try (WatchService watcher = F.fs.newWatchService()) {
            WatchKey key = dir.register(watcher, ENTRY_CREATE);
            assertSame(key, dir.register(watcher, ENTRY_CREATE), "a directory registered again gives its key");
            assertEquals(dir, key.watchable());
            Files.writeString(dir.resolve("new.txt"), "x");

            WatchKey signalled = watcher.poll(30, TimeUnit.SECONDS);
            assertSame(key, signalled);
            Path watched = (Path) signalled.watchable();
            F.assertOurs(watched);
            List<WatchEvent<?>> events = signalled.pollEvents();
            assertFalse(events.isEmpty());
            WatchEvent<?> created = events.get(0);
            assertEquals(ENTRY_CREATE, created.kind());
            assertEquals(1, created.count());
            Path name = (Path) created.context();
            F.assertOurs(name);
            assertEquals("new.txt", name.toString());
            assertEquals(dir.resolve("new.txt"), watched.resolve(name));
            assertTrue(signalled.reset());
            signalled.cancel();
            assertFalse(signalled.isValid());
            assertNull(watcher.poll());
        }
    }
}
