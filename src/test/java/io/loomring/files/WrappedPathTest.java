package io.loomring.files;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrapped paths and file system: every path handed out names the Loomring provider, and each
 * answer is the built-in path's (text, comparison, URI, file), so code cannot tell them apart but
 * by their provider.
 */
class WrappedPathTest {
    private static final ProviderFixture F = new ProviderFixture();

    @AfterAll
    static void close() {
        F.close();
    }

    @Test
    void everyPathHandedOutIsOurs(@TempDir Path tmp) throws IOException {
        Path dir = F.wrap(tmp);
        Path file = dir.resolve("a").resolve("b.txt");
        List<Path> handedOut = new ArrayList<>(List.of(dir, file, file.getParent(), file.getFileName(), file.getRoot(),
                file.getName(0), file.subpath(1, 2), file.resolveSibling("c"), file.resolveSibling(F.fs.getPath("d")),
                dir.resolve("x/../y").normalize(), F.fs.getPath("rel").toAbsolutePath(), dir.toRealPath(),
                dir.relativize(file), dir.resolve(F.fs.getPath("e"), F.fs.getPath("f")), dir.resolve("g", "h")));
        file.forEach(handedOut::add);
        F.fs.getRootDirectories().forEach(handedOut::add);
        for (Path p : handedOut) {
            F.assertOurs(p);
        }
        assertEquals(tmp.resolve("a/b.txt").toString(), file.toString());
        assertEquals("a/b.txt", dir.relativize(file).toString());
        assertEquals(tmp.toRealPath().toString(), dir.toRealPath().toString());
        assertEquals(tmp.resolve("y").toString(), dir.resolve("x/../y").normalize().toString());
        assertEquals(Path.of("rel").toAbsolutePath().toString(), F.fs.getPath("rel").toAbsolutePath().toString());
    }

    @Test
    void equalsHashCodeAndCompareToAreTheBuiltInPaths(@TempDir Path tmp) {
        Path a = F.wrap(tmp.resolve("a"));
        Path a2 = F.fs.getPath(tmp.toString(), "a");
        Path b = F.wrap(tmp.resolve("b"));
        assertEquals(a, a2);
        assertEquals(a.hashCode(), a2.hashCode());
        assertEquals(tmp.resolve("a").hashCode(), a.hashCode());
        assertNotEquals(a, b);
        assertEquals(0, a.compareTo(a2));
        assertTrue(a.compareTo(b) < 0 && b.compareTo(a) > 0);
        assertEquals(Integer.signum(tmp.resolve("a").compareTo(tmp.resolve("b"))), Integer.signum(a.compareTo(b)));
        // A plain path is of another file system: not equal (as the Path contract asks), but comparable.
        assertNotEquals(a, tmp.resolve("a"));
        assertNotEquals(tmp.resolve("a"), a);
        assertEquals(0, a.compareTo(tmp.resolve("a")));
        assertEquals(Set.of(a), Set.of(a2));
    }

    @Test
    void takesWrappedAndPlainPathsAndRefusesOtherProvidersAsTheBuiltInDoes(@TempDir Path tmp) throws IOException {
        Path dir = F.wrap(tmp);
        assertTrue(dir.resolve("a").startsWith(dir));
        assertTrue(dir.resolve("a").startsWith(tmp));
        assertTrue(dir.resolve("a").startsWith(tmp.toString()));
        assertTrue(dir.resolve("a/b").endsWith(F.fs.getPath("a/b")));
        assertTrue(dir.resolve("a/b").endsWith(Path.of("b")));
        assertTrue(dir.resolve("a/b").endsWith("a/b"));
        assertEquals(F.wrap(tmp.resolve("c")), dir.resolve(Path.of("c")));
        assertEquals(F.fs.getPath("c"), dir.relativize(tmp.resolve("c")));

        try (FileSystem zip = ZipFiles.newZip(tmp.resolve("z.zip"))) {
            Path foreign = zip.getPath("/inside");
            assertThrows(ProviderMismatchException.class, () -> tmp.resolve(foreign));
            assertThrows(ProviderMismatchException.class, () -> dir.resolve(foreign));
            assertThrows(ProviderMismatchException.class, () -> tmp.relativize(foreign));
            assertThrows(ProviderMismatchException.class, () -> dir.relativize(foreign));
            assertEquals(tmp.startsWith(foreign), dir.startsWith(foreign));
            assertEquals(tmp.endsWith(foreign), dir.endsWith(foreign));
        }
    }

    @Test
    void uriAndFileRoundTrips(@TempDir Path tmp) {
        Path file = F.wrap(tmp.resolve("f.txt"));
        URI uri = file.toUri();
        assertEquals(tmp.resolve("f.txt").toUri(), uri);
        assertEquals("file", uri.getScheme());
        Path back = F.provider.getPath(uri);
        F.assertOurs(back);
        assertEquals(file, back);

        File asFile = file.toFile();
        assertEquals(new File(tmp.toFile(), "f.txt"), asFile);
        assertEquals(file, F.fs.getPath(asFile.getPath()));
        assertEquals(tmp.resolve("f.txt"), asFile.toPath()); // the default file system's: the built-in one here
    }

    @Test
    void fileSystemAnswersAreTheBuiltInOnes() throws IOException {
        FileSystem builtIn = FileSystems.getDefault();
        assertSame(F.fs, F.provider.getFileSystem(URI.create("file:///")));
        assertSame(F.provider, F.fs.provider());
        assertEquals(builtIn.getSeparator(), F.fs.getSeparator());
        assertEquals(builtIn.supportedFileAttributeViews(), F.fs.supportedFileAttributeViews());
        assertEquals(builtIn.isOpen(), F.fs.isOpen());
        assertEquals(builtIn.isReadOnly(), F.fs.isReadOnly());
        assertEquals(List.of("/"), paths(F.fs.getRootDirectories()).stream().map(Path::toString).toList());
        assertEquals(builtIn.getFileStores().iterator().next().name(), F.fs.getFileStores().iterator().next().name());
        String user = System.getProperty("user.name");
        assertEquals(builtIn.getUserPrincipalLookupService().lookupPrincipalByName(user),
                F.fs.getUserPrincipalLookupService().lookupPrincipalByName(user));
        assertThrows(UnsupportedOperationException.class, builtIn::close);
        assertThrows(UnsupportedOperationException.class, F.fs::close);
    }

    @Test
    void pathMatchersMatchWrappedAndPlainPaths(@TempDir Path tmp) {
        PathMatcher glob = F.fs.getPathMatcher("glob:**/*.{txt,md}");
        assertTrue(glob.matches(F.wrap(tmp.resolve("a.txt"))));
        assertTrue(glob.matches(tmp.resolve("b.md")));
        assertFalse(glob.matches(F.wrap(tmp.resolve("c.bin"))));
        PathMatcher regex = F.fs.getPathMatcher("regex:.*/x[0-9]");
        assertTrue(regex.matches(F.wrap(tmp.resolve("x7"))));
        assertThrows(UnsupportedOperationException.class, () -> F.fs.getPathMatcher("other:x"));
    }

    @Test
    void pathsOfTheDefaultProviderAndFilesOnThemStayOnIt(@TempDir Path tmp) throws IOException {
        // Without the system property, only what goes through the Loomring provider's paths is its.
        Path plain = tmp.resolve("plain.txt");
        F.opens(0, () -> Files.writeString(plain, "x"));
        F.opens(1, () -> Files.writeString(F.wrap(plain), "y"));
        assertEquals("y", Files.readString(plain));
    }

    private static List<Path> paths(Iterable<Path> it) {
        List<Path> list = new ArrayList<>();
        it.forEach(list::add);
        return list;
    }
}
