package io.loomring.files;

import io.loomring.ffm.FileCalls;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a channel needs to know of its open file ({@code statx} on the fd: the kernel answers from
 * the inode it holds, without waiting for a disk).
 *
 * @param mode   the file type and permission bits
 * @param size   the size in bytes
 * @param key    device and inode, the identity file locks are kept by
 */
record FileStat(int mode, long size, FileLocks.FileKey key) {

    /** A regular file or a block device: reads and writes are disk work, never "not ready". */
    boolean isDisk() {
        int type = mode & FileCalls.S_IFMT;
        return type == FileCalls.S_IFREG || type == FileCalls.S_IFBLK;
    }

    boolean isFifo() {
        return (mode & FileCalls.S_IFMT) == FileCalls.S_IFIFO;
    }

    boolean isDirectory() {
        return (mode & FileCalls.S_IFMT) == FileCalls.S_IFDIR;
    }

    /** {@code statx} of {@code fd}: the stat, or null with {@code errno[0]} set. */
    static FileStat of(int fd, int[] errno) {
        long buf = LibC.malloc(FileCalls.STATX_SIZE + 1);
        try {
            MemorySegment s = MemorySegment.ofAddress(buf).reinterpret(FileCalls.STATX_SIZE + 1);
            s.set(ValueLayout.JAVA_BYTE, FileCalls.STATX_SIZE, (byte) 0); // the empty path
            int r = FileCalls.statx(Native.threadCaptureState(), fd, buf + FileCalls.STATX_SIZE,
                    FileCalls.STATX_BASIC_STATS, buf);
            if (r < 0) {
                errno[0] = -r;
                return null;
            }
            long device = (long) s.get(ValueLayout.JAVA_INT, FileCalls.STATX_DEV_MAJOR) << 32
                    | (s.get(ValueLayout.JAVA_INT, FileCalls.STATX_DEV_MINOR) & 0xffffffffL);
            return new FileStat(s.get(ValueLayout.JAVA_SHORT, FileCalls.STATX_MODE) & 0xffff,
                    s.get(ValueLayout.JAVA_LONG, FileCalls.STATX_SIZE_FIELD),
                    new FileLocks.FileKey(device, s.get(ValueLayout.JAVA_LONG, FileCalls.STATX_INO)));
        } finally {
            LibC.free(buf);
        }
    }
}
