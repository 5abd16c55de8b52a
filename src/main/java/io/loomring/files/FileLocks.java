package io.loomring.files;

import io.loomring.ffm.FileCalls;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * File locks as the JDK gives them: held for the whole JVM, so a second lock on an overlapping
 * range of the same file (by any channel of this JVM) throws {@link OverlappingFileLockException}
 * (the table here, keyed by device and inode), and other processes are kept out by the kernel.
 * The kernel locks are open-file-description locks ({@code F_OFD_SETLK}): owned by the channel's
 * open file, released when it closes, so closing another channel on the same file never drops
 * them (as POSIX record locks would).
 */
final class FileLocks {
    private FileLocks() {}

    /** A file's identity. */
    record FileKey(long device, long inode) {}

    private static final Map<FileKey, List<Lock>> TABLE = new ConcurrentHashMap<>();

    /** A lock of a Loomring channel. */
    static final class Lock extends FileLock {
        private final FileKey key;
        private final FileFd fd;
        private volatile boolean valid = true;

        Lock(FileChannel channel, FileKey key, FileFd fd, long position, long size, boolean shared) {
            super(channel, position, size, shared);
            this.key = key;
            this.fd = fd;
        }

        @Override
        public boolean isValid() {
            return valid && channel().isOpen();
        }

        @Override
        public void release() throws java.io.IOException {
            if (!channel().isOpen()) {
                throw new java.nio.channels.ClosedChannelException();
            }
            if (!valid) {
                return;
            }
            if (fd.enter()) {
                try {
                    kernelLock(fd.fd(), position(), size(), FileCalls.F_UNLCK, false);
                } finally {
                    fd.exit();
                }
            }
            invalidate();
        }

        /** Drops it from the table (release, or its channel closed: the kernel dropped it then). */
        void invalidate() {
            if (valid) {
                valid = false;
                remove(this);
            }
        }
    }

    /**
     * Takes a place in the table for a lock about to be asked of the kernel.
     *
     * @throws OverlappingFileLockException if this JVM holds, or is acquiring, an overlapping lock
     */
    static void add(Lock lock) {
        TABLE.compute(lock.key, (k, list) -> {
            List<Lock> locks = list != null ? list : new ArrayList<>();
            for (Lock l : locks) {
                if (l.overlaps(lock.position(), lock.size())) {
                    throw new OverlappingFileLockException();
                }
            }
            locks.add(lock);
            return locks;
        });
    }

    /** Removes a lock that was released, invalidated, or never granted. */
    static void remove(Lock lock) {
        TABLE.computeIfPresent(lock.key, (k, list) -> {
            list.remove(lock);
            return list.isEmpty() ? null : list;
        });
    }

    /** The channel's locks, invalidated as it closes (its open file's locks go with it). */
    static void closing(FileChannel channel, FileKey key) {
        List<Lock> mine = new ArrayList<>();
        TABLE.computeIfPresent(key, (k, list) -> {
            for (Lock l : list) {
                if (l.channel() == channel) {
                    mine.add(l);
                }
            }
            return list;
        });
        mine.forEach(Lock::invalidate);
    }

    /**
     * One {@code F_OFD_SETLK} (or {@code F_OFD_SETLKW} when {@code wait}) of {@code type} on the range.
     *
     * @return 0, or {@code -errno} ({@code -EAGAIN}: another process holds a conflicting lock)
     */
    static int kernelLock(int fd, long position, long size, short type, boolean wait) {
        long flock = LibC.malloc(FileCalls.FLOCK_SIZE);
        try {
            MemorySegment f = MemorySegment.ofAddress(flock).reinterpret(FileCalls.FLOCK_SIZE);
            f.fill((byte) 0); // l_pid must be 0 for OFD locks
            f.set(ValueLayout.JAVA_SHORT, 0, type);
            f.set(ValueLayout.JAVA_SHORT, 2, (short) FileCalls.SEEK_SET);
            f.set(ValueLayout.JAVA_LONG, 8, position);
            // A range up to Long.MAX_VALUE is "to the end, however far": l_len 0, as the JDK does.
            f.set(ValueLayout.JAVA_LONG, 16, size == Long.MAX_VALUE - position ? 0 : size);
            return FileCalls.fcntl(Native.threadCaptureState(), fd, wait ? FileCalls.F_OFD_SETLKW : FileCalls.F_OFD_SETLK,
                    flock);
        } finally {
            LibC.free(flock);
        }
    }
}
