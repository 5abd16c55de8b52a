package io.loomring.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls of files: open, positional and vectored reads and writes, sync, truncate, seek,
 * {@code statx}, {@code fcntl} locks and {@code poll}. Used where the ring does not run them (the
 * epoll backend's pool threads, platform threads) and for the quick calls that never wait (seek,
 * stat, locks that do not wait, a poll without timeout). Buffers are passed as addresses. Every method returns the result or {@code -errno}.
 */
public final class FileCalls {
    private FileCalls() {}

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_NOCTTY = 0x100;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_DSYNC = 0x1000;
    public static final int O_DIRECT = 0x4000;
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_SYNC = 0x101000;
    public static final int AT_FDCWD = -100;
    public static final int AT_EMPTY_PATH = 0x1000;

    public static final int SEEK_SET = 0;
    public static final int SEEK_CUR = 1;
    public static final int SEEK_END = 2;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    /** Open-file-description locks (Linux 3.15): owned by the open file, released when it closes. */
    public static final int F_OFD_GETLK = 36;
    public static final int F_OFD_SETLK = 37;
    public static final int F_OFD_SETLKW = 38;
    public static final short F_RDLCK = 0;
    public static final short F_WRLCK = 1;
    public static final short F_UNLCK = 2;
    /** {@code struct flock}: type, whence (shorts), start, len (longs), pid. */
    public static final long FLOCK_SIZE = 32;

    /** {@code struct statx}: 256 bytes, the same on every architecture. */
    public static final long STATX_SIZE = 256;
    public static final int STATX_BASIC_STATS = 0x7ff;
    /** O_DIRECT alignment fields (Linux 6.1). */
    public static final int STATX_DIOALIGN = 0x2000;
    public static final long STATX_MASK = 0;
    public static final long STATX_MODE = 28;
    public static final long STATX_INO = 32;
    public static final long STATX_SIZE_FIELD = 40;
    public static final long STATX_DEV_MAJOR = 136;
    public static final long STATX_DEV_MINOR = 140;
    public static final long STATX_DIO_MEM_ALIGN = 152;
    public static final long STATX_DIO_OFFSET_ALIGN = 156;
    public static final int S_IFMT = 0xf000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFBLK = 0x6000;
    public static final int S_IFDIR = 0x4000;
    public static final int S_IFIFO = 0x1000;

    private static final MethodHandle OPENAT = Native.capturing("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle READ = rw("read");
    private static final MethodHandle WRITE = rw("write");
    private static final MethodHandle PREAD = prw("pread");
    private static final MethodHandle PWRITE = prw("pwrite");
    private static final MethodHandle PREADV2 = vector("preadv2");
    private static final MethodHandle PWRITEV2 = vector("pwritev2");
    private static final MethodHandle FSYNC = Native.capturing("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = Native.capturing("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE = Native.capturing("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle LSEEK = Native.capturing("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FCNTL = Native.capturing("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle STATX = Native.capturing("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));

    private static final MethodHandle STRERROR = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("strerror"),
            FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS, JAVA_INT));

    private static MethodHandle rw(String name) {
        return Native.capturing(name, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private static MethodHandle prw(String name) {
        return Native.capturing(name, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }

    private static MethodHandle vector(String name) {
        return Native.capturing(name, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    /** {@code openat(AT_FDCWD, path, flags, mode)}, {@code path} a NUL-terminated native string. */
    public static int open(MemorySegment capture, long path, int flags, int mode) {
        try {
            return (int) Native.result((int) OPENAT.invokeExact(capture, AT_FDCWD, path, flags, mode), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * {@code pread(fd, buf, len, position)}, or {@code read(fd, buf, len)} at the file position when
     * {@code position} is {@code -1}.
     */
    public static long read(MemorySegment capture, int fd, long buf, long len, long position) {
        try {
            long r = position < 0 ? (long) READ.invokeExact(capture, fd, buf, len)
                    : (long) PREAD.invokeExact(capture, fd, buf, len, position);
            return Native.result(r, capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code pwrite}, or {@code write} when {@code position} is {@code -1}; as {@link #read}. */
    public static long write(MemorySegment capture, int fd, long buf, long len, long position) {
        try {
            long r = position < 0 ? (long) WRITE.invokeExact(capture, fd, buf, len)
                    : (long) PWRITE.invokeExact(capture, fd, buf, len, position);
            return Native.result(r, capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code preadv2(fd, iov, count, position, 0)}: {@code -1} reads at the file position. */
    public static long readVector(MemorySegment capture, int fd, long iov, int count, long position) {
        try {
            return Native.result((long) PREADV2.invokeExact(capture, fd, iov, count, position, 0), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code pwritev2(fd, iov, count, position, 0)}, as {@link #readVector}. */
    public static long writeVector(MemorySegment capture, int fd, long iov, int count, long position) {
        try {
            return Native.result((long) PWRITEV2.invokeExact(capture, fd, iov, count, position, 0), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code fsync(fd)}, or {@code fdatasync(fd)} when {@code dataOnly}. */
    public static int sync(MemorySegment capture, int fd, boolean dataOnly) {
        try {
            int r = dataOnly ? (int) FDATASYNC.invokeExact(capture, fd) : (int) FSYNC.invokeExact(capture, fd);
            return (int) Native.result(r, capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code ftruncate(fd, length)}. */
    public static int truncate(MemorySegment capture, int fd, long length) {
        try {
            return (int) Native.result((int) FTRUNCATE.invokeExact(capture, fd, length), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code lseek(fd, offset, whence)}: the new position. */
    public static long seek(MemorySegment capture, int fd, long offset, int whence) {
        try {
            return Native.result((long) LSEEK.invokeExact(capture, fd, offset, whence), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)}, {@code arg} an int or an address. */
    public static int fcntl(MemorySegment capture, int fd, int cmd, long arg) {
        try {
            return (int) Native.result((int) FCNTL.invokeExact(capture, fd, cmd, arg), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code statx(fd, "", AT_EMPTY_PATH, mask, buf)}: the open file's {@code struct statx}. */
    public static int statx(MemorySegment capture, int fd, long emptyPath, int mask, long buf) {
        try {
            return (int) Native.result((int) STATX.invokeExact(capture, fd, emptyPath, AT_EMPTY_PATH, mask, buf), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** libc's text for {@code errno}, as the JDK's file exceptions say it ("No such file or directory"). */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
