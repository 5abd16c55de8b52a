package io.loomring.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The handful of libc calls Loomring needs outside sockets: raw {@code syscall}, memory mapping,
 * eventfd, pipes, epoll, read/write/close, a {@code poll(2)} that does not wait.
 *
 * <p>Every method returns what the kernel would: a non-negative result, or {@code -errno}. The
 * {@code capture} argument is an errno capture segment from {@link Native}.
 */
public final class LibC {
    private LibC() {}

    // mmap/munmap
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x08000;

    // eventfd, pipe2, epoll_create1 flags
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = O_NONBLOCK;
    public static final int EFD_CLOEXEC = O_CLOEXEC;

    private static final MethodHandle SYSCALL = Native.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = Native.capturing("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.capturing("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVENTFD = Native.capturing("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE2 = Native.capturing("pipe2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = Native.capturing("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Native.capturing("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Native.capturing("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = Native.capturing("poll",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle DUP = Native.capturing("dup",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // malloc and free set no errno we read (malloc's failure is its null result) and never block.
    private static final java.util.concurrent.atomic.LongAdder BLOCKS_HELD = new java.util.concurrent.atomic.LongAdder();
    private static final MethodHandle MALLOC = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("malloc"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), Linker.Option.critical(false));
    private static final MethodHandle FREE = Native.LINKER.downcallHandle(Native.LIBC.findOrThrow("free"),
            FunctionDescriptor.ofVoid(JAVA_LONG), Linker.Option.critical(false));

    /** {@code syscall(nr, a1..a6)}: returns the result or {@code -errno}. */
    public static long syscall(MemorySegment capture, long nr, long a1, long a2, long a3, long a4,
                               long a5, long a6) {
        try {
            return Native.result((long) SYSCALL.invokeExact(capture, nr, a1, a2, a3, a4, a5, a6), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}.
     *
     * @return the mapping's address, or {@code -errno}
     */
    public static long mmap(MemorySegment capture, long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(capture, MemorySegment.NULL, length, prot,
                    flags, fd, offset);
            return p.address() == -1L ? -Native.errno(capture) : p.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code munmap(address, length)}. */
    public static int munmap(MemorySegment capture, long address, long length) {
        try {
            return (int) Native.result((int) MUNMAP.invokeExact(capture, MemorySegment.ofAddress(address),
                    length), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code eventfd(initval, flags)}. */
    public static int eventfd(MemorySegment capture, int initval, int flags) {
        try {
            return (int) Native.result((int) EVENTFD.invokeExact(capture, initval, flags), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pipe2(fds, flags)}: {@code fds} receives two ints, read end first. */
    public static int pipe2(MemorySegment capture, MemorySegment fds, int flags) {
        try {
            return (int) Native.result((int) PIPE2.invokeExact(capture, fds, flags), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(fd)}. */
    public static int close(MemorySegment capture, int fd) {
        try {
            return (int) Native.result((int) CLOSE.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code malloc(size)}: memory that lives until {@link #free}, whichever thread frees it (an
     * arena's memory goes only with its arena, a shared one's close costs a handshake with every
     * thread, an automatic one's waits for the GC).
     *
     * @return the address, never 0
     * @throws OutOfMemoryError when malloc fails
     */
    public static long malloc(long size) {
        long address;
        try {
            address = (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (address == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") failed");
        }
        BLOCKS_HELD.increment();
        return address;
    }

    /** {@code free(address)}, of an address {@link #malloc} returned. */
    public static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        BLOCKS_HELD.decrement();
    }

    /**
     * Blocks {@link #malloc} returned that were not freed yet, in this process: a leak of native
     * memory shows as growth here. Sockets take their blocks once per life, not per call, so the
     * count costs nothing on the data path.
     */
    public static long blocksHeld() {
        return BLOCKS_HELD.sum();
    }

    /** {@code dup(fd)}. */
    public static int dup(MemorySegment capture, int fd) {
        try {
            return (int) Native.result((int) DUP.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code read(fd, buf, count)}. */
    public static long read(MemorySegment capture, int fd, MemorySegment buf, long count) {
        try {
            return Native.result((long) READ.invokeExact(capture, fd, buf, count), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(fd, buf, count)}. */
    public static long write(MemorySegment capture, int fd, MemorySegment buf, long count) {
        try {
            return Native.result((long) WRITE.invokeExact(capture, fd, buf, count), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code poll(2)} of one fd for {@code events}, without waiting: the {@code revents} it reports
     * now, or {@code -errno}.
     */
    public static int pollNow(MemorySegment capture, int fd, int events) {
        long pollfd = malloc(8);
        try {
            MemorySegment p = MemorySegment.ofAddress(pollfd).reinterpret(8);
            p.set(JAVA_INT, 0, fd);
            p.set(JAVA_SHORT, 4, (short) events);
            p.set(JAVA_SHORT, 6, (short) 0);
            int r = (int) Native.result((int) POLL.invokeExact(capture, pollfd, 1L, 0), capture);
            return r < 0 ? r : p.get(JAVA_SHORT, 6) & 0xffff;
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            free(pollfd);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
