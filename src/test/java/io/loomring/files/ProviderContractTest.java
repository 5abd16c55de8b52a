package io.loomring.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's contract against the built-in provider's: the same exceptions for the same
 * mistakes, the same option checks on streams, every overridable method of
 * {@link FileSystemProvider} overridden (a default left in place would not reach the wrapped
 * provider with its own paths), and what it does with a path of another provider.
 */
class ProviderContractTest {
    private static final ProviderFixture F = new ProviderFixture();
    private static final FileSystemProvider BUILT_IN = ProviderFixture.BUILT_IN;

    @AfterAll
    static void close() {
        F.close();
    }

    @Test
    void overridesEveryMethodFileSystemProviderLetsItOverride() {
        List<String> missing = new ArrayList<>();
        for (Method m : FileSystemProvider.class.getDeclaredMethods()) {
            int mod = m.getModifiers();
            if (Modifier.isStatic(mod) || Modifier.isFinal(mod) || Modifier.isPrivate(mod) || m.isSynthetic()) {
                continue;
            }
            try {
                LoomringFileSystemProvider.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.toString());
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void missingFilesAndExistingOnesThrowAsTheBuiltInProvider(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("missing");
        Path existing = Files.writeString(tmp.resolve("existing"), "x");
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path unreadable = Files.writeString(tmp.resolve("unreadable"), "x");
        Files.setPosixFilePermissions(unreadable, Set.of());
        for (Path p : List.of(missing, tmp.resolve("missing/below"))) {
            sameOutcome(NoSuchFileException.class, p, q -> Files.readAllBytes(q));
            sameOutcome(NoSuchFileException.class, p, q -> Files.newInputStream(q).close());
            sameOutcome(NoSuchFileException.class, p, q -> Files.newByteChannel(q, WRITE).close());
            sameOutcome(NoSuchFileException.class, p, q -> Files.delete(q));
            sameOutcome(NoSuchFileException.class, p, q -> Files.size(q));
        }
        sameOutcome(FileAlreadyExistsException.class, existing, q -> Files.newByteChannel(q, CREATE_NEW, WRITE).close());
        sameOutcome(FileAlreadyExistsException.class, existing, q -> Files.newOutputStream(q, CREATE_NEW).close());
        sameOutcome(FileAlreadyExistsException.class, existing, q -> Files.createFile(q));
        sameOutcome(FileAlreadyExistsException.class, existing, q -> Files.createDirectory(q));
        sameOutcome(FileSystemException.class, dir, q -> Files.newOutputStream(q).close()); // EISDIR
        if (!Files.isReadable(unreadable)) { // root reads anything
            sameOutcome(AccessDeniedException.class, unreadable, q -> Files.readString(q));
            sameOutcome(AccessDeniedException.class, unreadable, q -> q.getFileSystem().provider().checkAccess(q, AccessMode.READ));
        }
    }

    @Test
    void streamOptionsAreCheckedAsTheBuiltInProviderChecksThem(@TempDir Path tmp) throws IOException {
        List<OpenOption[]> cases = List.of(new OpenOption[0], new OpenOption[] {READ}, new OpenOption[] {WRITE},
                new OpenOption[] {APPEND}, new OpenOption[] {READ, WRITE}, new OpenOption[] {CREATE},
                new OpenOption[] {CREATE_NEW}, new OpenOption[] {TRUNCATE_EXISTING}, new OpenOption[] {APPEND, TRUNCATE_EXISTING},
                new OpenOption[] {READ, READ}, new OpenOption[] {SYNC, DSYNC}, new OpenOption[] {LinkOption.NOFOLLOW_LINKS},
                new OpenOption[] {CREATE, APPEND}, new OpenOption[] {(OpenOption) null});
        int i = 0;
        for (OpenOption[] options : cases) {
            String name = "case" + i++;
            String what = Arrays.toString(options);
            Path builtIn = Files.writeString(tmp.resolve(name + ".builtin"), "abc");
            Path ours = F.wrap(Files.writeString(tmp.resolve(name + ".ours"), "abc"));
            assertEquals(outcome(() -> read(builtIn, options)), outcome(() -> read(ours, options)), "newInputStream " + what);
            Path builtInNew = tmp.resolve(name + ".new.builtin");
            Path oursNew = F.wrap(tmp.resolve(name + ".new.ours"));
            assertEquals(outcome(() -> write(builtIn, options)), outcome(() -> write(ours, options)), "newOutputStream " + what);
            assertEquals(outcome(() -> write(builtInNew, options)), outcome(() -> write(oursNew, options)),
                    "newOutputStream " + what + " of a new file");
        }
    }

    /**
     * Calls {@code call} on {@code plain} and on the wrapped {@code plain}: both throw
     * {@code expected}, of the same class, naming the same file, with the same message.
     */
    private static void sameOutcome(Class<? extends Exception> expected, Path plain, PathCall call) {
        Exception builtIn = assertThrows(expected, () -> call.call(plain), "on the built-in provider");
        Exception ours = assertThrows(expected, () -> call.call(F.wrap(plain)), "on the Loomring provider");
        assertEquals(builtIn.getClass(), ours.getClass());
        assertEquals(builtIn.getMessage(), ours.getMessage());
        if (builtIn instanceof FileSystemException b) {
            FileSystemException o = assertInstanceOf(FileSystemException.class, ours);
            assertEquals(b.getFile(), o.getFile());
            assertEquals(b.getOtherFile(), o.getOtherFile());
            assertEquals(b.getReason(), o.getReason());
        }
    }

    @FunctionalInterface
    private interface PathCall {
        void call(Path p) throws IOException;
    }

    private static String read(Path p, OpenOption... options) throws IOException {
        try (InputStream in = p.getFileSystem().provider().newInputStream(p, options)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    /** Writes "xy" and answers the file's content after it. */
    private static String write(Path p, OpenOption... options) throws IOException {
        try (OutputStream out = p.getFileSystem().provider().newOutputStream(p, options)) {
            out.write("xy".getBytes(UTF_8));
        }
        return Files.readString(p);
    }

    private static String outcome(Callable<String> call) {
        try {
            return "returned " + call.call();
        } catch (Exception e) {
            return "threw " + e.getClass().getName() + ": "
                    + String.valueOf(e.getMessage()).replace(".builtin", "").replace(".ours", "");
        }
    }

    @Test
    void pathsOfAnotherProviderAreRefusedAsTheBuiltInProviderRefusesThem(@TempDir Path tmp) throws IOException {
        try (FileSystem zip = ZipFiles.newZip(tmp.resolve("z.zip"))) {
            Path foreign = zip.getPath("/inside");
            Path ours = F.wrap(Files.writeString(tmp.resolve("f"), "x"));
            for (FileSystemProvider p : List.of(BUILT_IN, F.provider)) {
                assertThrows(ProviderMismatchException.class, () -> p.newByteChannel(foreign, Set.of()));
                assertThrows(ProviderMismatchException.class, () -> p.newFileChannel(foreign, Set.of(READ)));
                // FileSystemProvider.newInputStream opens through Files, so on the path's own provider.
                try (InputStream in = p.newInputStream(foreign)) {
                    assertEquals("in the zip", new String(in.readAllBytes(), UTF_8));
                }
                assertThrows(UnsupportedOperationException.class, () -> p.newFileSystem(foreign, Map.of()));
                assertThrows(ProviderMismatchException.class, () -> p.newOutputStream(foreign));
                assertThrows(ProviderMismatchException.class, () -> p.delete(foreign));
                assertThrows(ProviderMismatchException.class, () -> p.readAttributes(foreign, BasicFileAttributes.class));
                assertThrows(ProviderMismatchException.class, () -> p.checkAccess(foreign));
                assertThrows(ProviderMismatchException.class, () -> p.newDirectoryStream(foreign, e -> true));
                assertThrows(ProviderMismatchException.class, () -> p.createSymbolicLink(tmp.resolve("l"), foreign));
                Path own = p == BUILT_IN ? tmp.resolve("f") : ours;
                assertFalse(p.isSameFile(own, foreign));
                assertThrows(ProviderMismatchException.class, () -> p.copy(own, foreign));
            }
            // Files.copy itself goes across providers through streams, the source's opened here.
            F.opens(1, () -> Files.copy(ours, zip.getPath("/copied")));
            assertEquals("x", Files.readString(zip.getPath("/copied")));
        }
        assertEquals(0, F.provider.builtInOpens());
    }

    @Test
    void providerLevelCallsReachTheBuiltInProvider(@TempDir Path tmp) throws IOException {
        assertEquals("file", F.provider.getScheme());
        assertThrows(IllegalArgumentException.class, () -> BUILT_IN.getFileSystem(URI.create("file:///tmp")));
        assertThrows(IllegalArgumentException.class, () -> F.provider.getFileSystem(URI.create("file:///tmp")));
        assertThrows(FileSystemAlreadyExistsException.class, () -> BUILT_IN.newFileSystem(URI.create("file:///"), Map.of()));
        assertThrows(FileSystemAlreadyExistsException.class, () -> F.provider.newFileSystem(URI.create("file:///"), Map.of()));
        Path file = F.wrap(Files.writeString(tmp.resolve("f"), "x"));
        assertThrows(UnsupportedOperationException.class, () -> BUILT_IN.newFileSystem(tmp.resolve("f"), Map.of()));
        assertThrows(UnsupportedOperationException.class, () -> F.provider.newFileSystem(file, Map.of()));
        F.assertOurs(F.provider.getPath(URI.create("file:///tmp/x")));
        assertThrows(IllegalArgumentException.class, () -> F.provider.getPath(URI.create("file:relative")));

        assertTrue(F.provider.exists(file));
        assertTrue(F.provider.exists(tmp.resolve("f"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(F.provider.exists(F.wrap(tmp.resolve("none"))));
        assertNull(F.provider.readAttributesIfExists(F.wrap(tmp.resolve("none")), BasicFileAttributes.class));
        assertEquals(1, F.provider.readAttributesIfExists(file, BasicFileAttributes.class).size());
        PosixFileAttributeView view = F.provider.getFileAttributeView(file, PosixFileAttributeView.class);
        assertEquals(Files.getOwner(tmp.resolve("f")), view.getOwner());
        F.provider.createDirectory(F.wrap(tmp.resolve("d")));
        F.provider.createLink(F.wrap(tmp.resolve("hard")), file);
        assertTrue(Files.isSameFile(tmp.resolve("hard"), tmp.resolve("f")));
        assertTrue(F.provider.deleteIfExists(tmp.resolve("hard")));
        assertFalse(F.provider.deleteIfExists(F.wrap(tmp.resolve("hard"))));
    }

    @Test
    void theNoArgumentProviderWrapsTheDefaultProvider(@TempDir Path tmp) throws IOException {
        LoomringFileSystemProvider own = new LoomringFileSystemProvider(BUILT_IN, F.scheduler);
        // The no-argument one takes the shared scheduler at its first open: only its wrapping here.
        LoomringFileSystemProvider noArg = new LoomringFileSystemProvider();
        assertTrue(noArg.toString().contains(BUILT_IN.toString()), noArg.toString());
        Path file = Files.writeString(tmp.resolve("f"), "x");
        Path wrapped = own.getFileSystem(URI.create("file:///")).getPath(file.toString());
        assertEquals(wrapped, own.getPath(file.toUri()));
        assertEquals(0, own.loomringOpens());
        own.newFileChannel(file, Set.of(READ)).close();
        own.newByteChannel(wrapped, Set.of()).close();
        assertEquals(2, own.loomringOpens());
        // Paths of another Loomring provider over the same built-in one are taken too.
        own.newInputStream(F.wrap(file)).close();
        assertEquals(3, own.loomringOpens());
    }
}
