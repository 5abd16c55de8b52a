package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * File locks as the JDK keeps them: held for the whole JVM, so an overlapping lock by any channel
 * on the same file throws {@link OverlappingFileLockException}; shared locks need reading, exclusive
 * ones writing; release, and closing the channel, end them. The kernel's side is read from
 * {@code /proc/locks}.
 */
class FileChannelLockContractTest extends FileChannelContract {

    @Test
    void anExclusiveLockKeepsOverlappingLocksOutOfTheJvm() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ, WRITE)) {
            FileLock lock = ch.tryLock(0, 10, false);
            assertNotNull(lock);
            assertTrue(lock.isValid());
            assertFalse(lock.isShared());
            assertSame(ch, lock.channel());
            assertSame(ch, lock.acquiredBy());
            assertEquals(0, lock.position());
            assertEquals(10, lock.size());
            assertTrue(heldInKernel(p), "the kernel holds it");
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock(5, 10, false));
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock(9, 1, true));
            assertThrows(OverlappingFileLockException.class, () -> ch.lock(0, 1, false));
            FileLock next = ch.tryLock(10, 5, false);
            assertNotNull(next, "a range next to it is free");
            lock.release();
            assertFalse(lock.isValid());
            lock.release(); // a second release does nothing
            FileLock again = ch.lock(0, 10, false);
            assertTrue(again.isValid());
            again.close();
            next.release();
            assertFalse(heldInKernel(p), "released in the kernel too");
        }
    }

    @Test
    void twoChannelsOnTheSameFileShareTheJvmsLocks() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel one = open(p, READ, WRITE); FileChannel two = open(p, READ, WRITE)) {
            FileLock lock = one.lock();
            assertEquals(Long.MAX_VALUE, lock.size(), "lock() covers the whole file, however far it grows");
            assertThrows(OverlappingFileLockException.class, two::tryLock);
            assertThrows(OverlappingFileLockException.class, () -> two.lock(1_000_000, 1, true));
            lock.release();
            FileLock other = two.tryLock(0, 5, true);
            assertNotNull(other);
            assertTrue(other.isShared());
            assertThrows(OverlappingFileLockException.class, () -> one.tryLock(4, 2, true),
                    "shared locks overlap too within one JVM");
            assertNotNull(one.tryLock(5, 5, true));
        }
    }

    @Test
    void aLockToTheEndFromAPosition() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ, WRITE)) {
            FileLock lock = ch.tryLock(10, 0, false);
            assertEquals(10, lock.position());
            assertEquals(Long.MAX_VALUE - 10, lock.size(), "size 0: to the end, however far it grows");
            assertTrue(lock.overlaps(1L << 50, 1));
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock(1L << 50, 10, false));
            assertNotNull(ch.tryLock(0, 10, false));
        }
    }

    @Test
    void locksNeedTheChannelsModes() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel readOnly = open(p, READ); FileChannel writeOnly = open(p, WRITE)) {
            assertThrows(NonWritableChannelException.class, () -> readOnly.tryLock(0, 1, false));
            assertThrows(NonWritableChannelException.class, readOnly::lock);
            assertThrows(NonReadableChannelException.class, () -> writeOnly.tryLock(0, 1, true));
            assertThrows(NonReadableChannelException.class, () -> writeOnly.lock(0, 1, true));
            FileLock shared = readOnly.lock(0, 1, true);
            assertTrue(shared.isShared());
            FileLock exclusive = writeOnly.tryLock(1, 1, false);
            assertFalse(exclusive.isShared());
            assertThrows(IllegalArgumentException.class, () -> readOnly.tryLock(-1, 1, true));
            assertThrows(IllegalArgumentException.class, () -> readOnly.tryLock(0, -1, true));
            assertThrows(IllegalArgumentException.class, () -> readOnly.tryLock(Long.MAX_VALUE, 2, true));
        }
    }

    @Test
    void closingTheChannelEndsItsLocks() throws Exception {
        Path p = file("a", "0123456789");
        FileChannel ch = open(p, READ, WRITE);
        FileLock a = ch.lock(0, 5, false);
        FileLock b = ch.tryLock(5, 5, true);
        ch.close();
        assertFalse(a.isValid());
        assertFalse(b.isValid());
        assertThrows(ClosedChannelException.class, a::release);
        assertFalse(heldInKernel(p));
        try (FileChannel again = open(p, READ, WRITE)) {
            assertNotNull(again.tryLock(), "the JVM's table forgot them");
        }
    }

    @Test
    void closingAnotherChannelOnTheFile() throws Exception {
        Path p = file("a", "0123456789");
        try (FileChannel ch = open(p, READ, WRITE)) {
            FileLock lock = ch.lock();
            open(p, READ).close();
            assertTrue(lock.isValid());
            assertThrows(OverlappingFileLockException.class, ch::tryLock);
            if (isJdk()) {
                assertFalse(heldInKernel(p), "the JDK's POSIX lock is dropped by any close of the file in the process");
            } else {
                assertTrue(heldInKernel(p), "Loomring's open-file lock lives as long as its own channel");
            }
        }
    }

    /** True when {@code /proc/locks} lists a lock on {@code p} (its device and inode). */
    static boolean heldInKernel(Path p) throws Exception {
        long inode = (Long) Files.getAttribute(p, "unix:ino");
        long dev = (Long) Files.getAttribute(p, "unix:dev");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        String key = String.format(" %02x:%02x:%d ", major, minor, inode);
        List<String> locks = Files.readAllLines(Path.of("/proc/locks"));
        return locks.stream().anyMatch(l -> l.contains(key));
    }
}
