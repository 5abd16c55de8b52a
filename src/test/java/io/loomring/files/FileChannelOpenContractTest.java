package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Opening: which options combine and which are refused (with the JDK's exceptions and messages),
 * what a missing, existing, linked or directory path gives, DELETE_ON_CLOSE, the permissions of a
 * created file, and the channel's read and write modes.
 */
class FileChannelOpenContractTest extends FileChannelContract {

    @Test
    void readWithAppendAndAppendWithTruncateAreRefused() throws Exception {
        Path p = file("a", "abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(p, READ, APPEND));
        assertEquals("READ + APPEND not allowed", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> open(p, WRITE, APPEND, TRUNCATE_EXISTING));
        assertEquals("APPEND + TRUNCATE_EXISTING not allowed", e.getMessage());
        assertFileHolds(p, "abc");
    }

    @Test
    void anUnknownOptionIsUnsupported() throws Exception {
        Path p = file("a", "abc");
        OpenOption odd = new OpenOption() {
            @Override
            public String toString() {
                return "ODD";
            }
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> open(p, READ, odd));
        assertEquals("ODD not supported", e.getMessage());
    }

    @Test
    void aMissingFileIsNoSuchFile() throws Exception {
        Path p = dir.resolve("missing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> open(p, READ));
        assertEquals(p.toString(), e.getFile());
        assertEquals(p.toString(), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> open(p, WRITE));
        assertThrows(NoSuchFileException.class, () -> open(p, CREATE), "CREATE without WRITE opens for reading only");
        assertThrows(NoSuchFileException.class, () -> open(dir.resolve("no/such/dir"), CREATE, WRITE));
        assertFalse(Files.exists(p));
    }

    @Test
    void createNewRefusesAnExistingFile() throws Exception {
        Path p = file("a", "abc");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> open(p, CREATE_NEW, WRITE));
        assertEquals(p.toString(), e.getFile());
        Path d = Files.createDirectory(dir.resolve("d"));
        assertThrows(FileAlreadyExistsException.class, () -> open(d, CREATE_NEW, WRITE));
        Path dot = Path.of(dir + "/.");
        e = assertThrows(FileAlreadyExistsException.class, () -> open(dot, CREATE_NEW, WRITE));
        assertEquals(dot.toString(), e.getFile());
        try (FileChannel ch = open(p, CREATE, WRITE)) {
            assertEquals(3, ch.size(), "CREATE opens an existing file as it is");
        }
    }

    @Test
    void aWriteOnlyChannelDoesNotRead() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, WRITE)) {
            assertThrows(NonReadableChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
            assertThrows(NonReadableChannelException.class, () -> ch.read(ByteBuffer.allocate(1), 0));
            assertThrows(NonReadableChannelException.class, () -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertEquals(0, ch.position(), "nothing was read");
        }
    }

    @Test
    void aReadOnlyChannelDoesNotWrite() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ)) {
            assertThrows(NonWritableChannelException.class, () -> ch.write(ascii("x")));
            assertThrows(NonWritableChannelException.class, () -> ch.write(ascii("x"), 0));
            assertThrows(NonWritableChannelException.class, () -> ch.write(new ByteBuffer[] {ascii("x")}));
        }
        try (FileChannel ch = open(p)) {
            assertThrows(NonWritableChannelException.class, () -> ch.write(ascii("x")), "no option: reading only");
        }
        assertFileHolds(p, "abc");
    }

    @Test
    void deleteOnCloseUnlinksAtOnceAndTheOpenFileLivesOn() throws Exception {
        Path p = file("a", "abc");
        try (FileChannel ch = open(p, READ, WRITE, DELETE_ON_CLOSE)) {
            assertFalse(Files.exists(p), "unlinked right after the open, as the JDK does on Unix");
            ch.write(ascii("xyz"), 3);
            ByteBuffer b = ByteBuffer.allocate(6);
            assertEquals(6, ch.read(b, 0));
            assertEquals("abcxyz", filled(b));
        }
        assertFalse(Files.exists(p));
        Path q = dir.resolve("b");
        try (FileChannel ch = open(q, CREATE_NEW, WRITE, DELETE_ON_CLOSE)) {
            assertEquals(1, ch.write(ascii("x")));
        }
        assertFalse(Files.exists(q));
    }

    @Test
    void permissionsGivenAtCreation() throws Exception {
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(perms);
        Path p = dir.resolve("a");
        try (FileChannel ch = open(p, Set.of(CREATE_NEW, WRITE), attr)) {
            assertEquals(1, ch.write(ascii("x")));
        }
        assertEquals(perms, Files.getPosixFilePermissions(p));
        Set<PosixFilePermission> other = PosixFilePermissions.fromString("r--r--r--");
        Path q = file("b", "abc");
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rw-r-----"));
        try (FileChannel ch = open(q, Set.of(CREATE, WRITE), PosixFilePermissions.asFileAttribute(other))) {
            assertEquals(3, ch.size());
        }
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(q),
                "an existing file keeps its permissions");
    }

    @Test
    void anInitialAttributeOtherThanPermissionsIsUnsupported() throws Exception {
        FileAttribute<FileTime> time = new FileAttribute<>() {
            @Override
            public String name() {
                return "basic:lastModifiedTime";
            }

            @Override
            public FileTime value() {
                return FileTime.fromMillis(0);
            }
        };
        Path p = dir.resolve("a");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> open(p, Set.of(CREATE_NEW, WRITE), time));
        assertEquals("'basic:lastModifiedTime' not supported as initial attribute", e.getMessage());
        assertFalse(Files.exists(p));
    }

    @Test
    void aDirectoryOpensForReadingButDoesNotRead() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        try (FileChannel ch = open(d, READ)) {
            IOException e = assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(4)));
            assertEquals(IOException.class, e.getClass());
            assertEquals("Is a directory", e.getMessage());
            e = assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocateDirect(4), 0));
            assertEquals("Is a directory", e.getMessage());
            assertTrue(ch.isOpen(), "a failed read does not close the channel");
        }
        FileSystemException e = assertThrows(FileSystemException.class, () -> open(d, WRITE));
        assertEquals(FileSystemException.class, e.getClass());
        assertEquals(d + ": Is a directory", e.getMessage());
    }

    @Test
    void noFollowLinksRefusesALinkWithTheJdkMessage() throws Exception {
        Path target = file("target", "abc");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        try (FileChannel ch = open(link, READ)) {
            assertEquals(3, ch.size(), "links are followed by default");
        }
        IOException e = assertThrows(IOException.class, () -> open(link, READ, LinkOption.NOFOLLOW_LINKS));
        assertEquals(IOException.class, e.getClass());
        assertEquals("Too many levels of symbolic links (NOFOLLOW_LINKS specified)", e.getMessage());
        e = assertThrows(IOException.class, () -> open(link, READ, DELETE_ON_CLOSE));
        assertEquals("Too many levels of symbolic links (NOFOLLOW_LINKS specified)", e.getMessage(),
                "DELETE_ON_CLOSE never follows a link");
        assertTrue(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(target));
    }

    @Test
    void syncDsyncAndSparseOpenAndWrite() throws Exception {
        Path p = dir.resolve("a");
        try (FileChannel ch = open(p, CREATE_NEW, WRITE, StandardOpenOption.SYNC, StandardOpenOption.DSYNC,
                StandardOpenOption.SPARSE)) {
            assertEquals(3, ch.write(ascii("abc")));
        }
        assertFileHolds(p, "abc");
    }

    @Test
    void everyCallOnAClosedChannelIsClosedChannel() throws Exception {
        Path p = file("a", "abc");
        FileChannel ch = open(p, READ, WRITE);
        ch.close();
        assertFalse(ch.isOpen());
        ch.close();
        ByteBuffer b = ByteBuffer.allocate(1);
        try (FileChannel other = open(file("b", "xyz"), READ, WRITE)) {
            for (java.util.concurrent.Callable<?> call : java.util.List.<java.util.concurrent.Callable<?>>of(
                    () -> ch.read(b), () -> ch.read(b, 0), () -> ch.read(new ByteBuffer[] {b}),
                    () -> ch.write(ascii("x")), () -> ch.write(ascii("x"), 0), () -> ch.write(new ByteBuffer[] {ascii("x")}),
                    ch::position, () -> ch.position(1), ch::size, () -> ch.truncate(1), () -> {
                        ch.force(true);
                        return null;
                    }, () -> ch.transferTo(0, 1, other), () -> ch.transferFrom(other, 0, 1), () -> other.transferTo(0, 1, ch),
                    () -> other.transferFrom(ch, 0, 1), ch::lock, ch::tryLock,
                    () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1))) {
                Exception e = assertThrows(java.nio.channels.ClosedChannelException.class, call::call);
                assertEquals(java.nio.channels.ClosedChannelException.class, e.getClass());
            }
        }
        assertFileHolds(p, "abc");
    }

    @Test
    void anImmutableFileIsNotPermittedForWriting() throws Exception {
        Path p = file("a", "abc");
        assumeTrue(chattr("+i", p), "chattr +i does not work here");
        try {
            FileSystemException e = assertThrows(FileSystemException.class, () -> open(p, WRITE));
            assertEquals(FileSystemException.class, e.getClass(), "EPERM is no AccessDeniedException");
            assertEquals(p + ": Operation not permitted", e.getMessage());
            try (FileChannel ch = open(p, READ)) {
                assertEquals(3, ch.size());
            }
        } finally {
            assertTrue(chattr("-i", p));
        }
    }

    private static boolean chattr(String flag, Path p) throws Exception {
        try {
            Process chattr = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
            chattr.getInputStream().readAllBytes();
            return chattr.waitFor() == 0;
        } catch (IOException e) {
            return false; // no chattr
        }
    }

    @Test
    void aFileWithoutPermissionIsAccessDenied() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may open any file");
        Path p = file("a", "abc");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> open(p, READ));
        assertEquals(p.toString(), e.getFile());
    }
}
