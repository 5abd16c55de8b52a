package io.loomring.files;

import io.loomring.IoRoute;
import io.loomring.IoScheduler;
import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.ffm.FileCalls;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Poll;
import io.loomring.poller.BlockingPool;
import java.lang.foreign.MemorySegment;

/**
 * Where one file call runs, chosen per call:
 * <ul>
 *   <li>in the ring, when the calling thread's route runs ring operations (io_uring, and a thread
 *       carried by a carrier or served by a sub-poller): the thread parks until the completion;</li>
 *   <li>on {@link BlockingPool} for any other virtual thread (the epoll backend): the thread parks,
 *       and no carrier ever blocks in a disk call;</li>
 *   <li>directly on a platform thread, which blocks as it would in the JDK.</li>
 * </ul>
 * One exception: a buffered write of at most {@link #INLINE_WRITE_BYTES} to a regular file is a
 * plain {@code pwrite} on the calling thread, as the JDK makes it (a copy into the page cache, which
 * the kernel does not wait for a disk to finish). Through the ring such a write is no faster: file
 * systems without non-blocking buffered writes (ext4 among them) hand every one to a kernel worker,
 * one at a time per file, and many threads appending to one log then wait in that line (measured:
 * 0.7x the JDK's appends with {@code force}, 2.6x inline). Larger writes, and O_DIRECT or O_SYNC
 * ones, go through the ring.
 *
 * <p>A pollable fd (FIFO, terminal, socket) is non-blocking instead: a call that finds nothing to do
 * awaits readiness on the route and tries again, so it can wait for ever and still be woken by a
 * close. Results are bytes, {@code -errno} or an {@link IoStatus}.
 */
final class FileIo {
    private FileIo() {}

    private static final int O_ACCMODE = 3;
    private static final int ENXIO = 6;

    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int READV = 2;
    private static final int WRITEV = 3;

    /**
     * The largest buffered write that runs on the calling thread ({@code loomring.inlineWriteBytes},
     * default 16 KiB; 0: every write goes through the ring).
     */
    static final int INLINE_WRITE_BYTES = Integer.getInteger("loomring.inlineWriteBytes", 16 * 1024);

    /** Reads up to {@code length} bytes into {@code address} at {@code position} ({@code -1}: the file position). */
    static long read(FileFd f, long address, int length, long position) {
        return transfer(f, READ, address, length, position);
    }

    /** Writes up to {@code length} bytes from {@code address}, as {@link #read}. */
    static long write(FileFd f, long address, int length, long position) {
        return transfer(f, WRITE, address, length, position);
    }

    /** Reads into the {@code count} iovecs at {@code iov}, as {@link #read}. */
    static long readVector(FileFd f, long iov, int count, long position) {
        return transfer(f, READV, iov, count, position);
    }

    /** Writes from the {@code count} iovecs at {@code iov}, as {@link #read}. */
    static long writeVector(FileFd f, long iov, int count, long position) {
        return transfer(f, WRITEV, iov, count, position);
    }

    /** {@code fsync}, or {@code fdatasync} when {@code dataOnly}: 0 or a failure. */
    static long sync(FileFd f, boolean dataOnly) {
        int fd = f.fd();
        IoRoute route = f.scheduler().route(fd);
        if (route.ringOperations()) {
            return route.sync(fd, dataOnly);
        }
        return BlockingPool.shared().run(() -> FileCalls.sync(Native.threadCaptureState(), fd, dataOnly));
    }

    /** {@code ftruncate}: 0 or a failure. */
    static long truncate(FileFd f, long size) {
        int fd = f.fd();
        IoRoute route = f.scheduler().route(fd);
        if (route.ringOperations()) {
            int r = route.truncate(fd, size);
            if (r != -Errno.EINVAL) {
                return r; // -EINVAL: a kernel before 6.9 has no FTRUNCATE; the call below says it right
            }
        }
        return BlockingPool.shared().run(() -> FileCalls.truncate(Native.threadCaptureState(), fd, size));
    }

    /**
     * Opens {@code path} (NUL-terminated native memory): in the ring, on the pool, or directly, as a
     * disk call (an open waits for a FIFO's other end, or for a network file system).
     *
     * @return the fd, {@code -errno} or a status; an fd opened although the thread was interrupted
     *         meanwhile is returned too, and the caller closes it
     */
    static long open(IoScheduler scheduler, MemorySegment path, int flags, int mode) {
        // No fd yet to pick a sub-poller by: the thread's id spreads opens over them instead.
        IoRoute route = scheduler.route((int) (Thread.currentThread().threadId() & Integer.MAX_VALUE));
        // A thread interrupted already opens all the same, as with the JDK (the ring would refuse
        // to start the open): on the pool, which keeps its interrupt status for it.
        if (route.ringOperations() && !Thread.currentThread().isInterrupted()) {
            int r = route.open(path, flags, mode);
            if (r != -ENXIO || (flags & O_ACCMODE) != FileCalls.O_WRONLY) {
                return r;
            }
            // The ring tries an open without waiting first: a FIFO with no reader yet says ENXIO
            // to that, where open(2) waits for a reader. It waits on the pool. (A FIFO opened for
            // reading with no writer yet is opened at once: its reads wait for one, see transfer.)
        }
        long address = path.address();
        return BlockingPool.shared().run(() -> FileCalls.open(Native.threadCaptureState(), address, flags, mode));
    }

    private static long transfer(FileFd f, int kind, long address, int length, long position) {
        int fd = f.fd();
        IoRoute route = f.scheduler().route(fd);
        boolean ring = route.ringOperations();
        if (!f.pollable()) {
            if (kind == WRITE && length <= INLINE_WRITE_BYTES && f.inlineSmallWrites()) {
                return syscall(kind, fd, address, length, position);
            }
            if (ring) {
                return ring(route, kind, fd, address, length, position);
            }
            return BlockingPool.shared().run(() -> syscall(kind, fd, address, length, position));
        }
        // A positional call on a pollable file is pread(2) or pwrite(2), which refuse a pipe (ESPIPE),
        // as the JDK's: the ring would ignore the offset of a FIFO, and wait in the kernel.
        boolean inRing = ring && position < 0;
        boolean reading = kind == READ || kind == READV;
        for (;;) {
            long r = inRing ? f.waiting(() -> ring(route, kind, fd, address, length, position)) // may wait in the ring
                    : syscall(kind, fd, address, length, position);
            if (r == 0 && reading && f.fifoReader()) {
                // No writer now. The end, if one has been there (a hang-up); if none ever came, the
                // ring's open did not wait for one as open(2) does: wait here instead.
                int revents = LibC.pollNow(Native.threadCaptureState(), fd, Poll.POLLIN);
                if (revents > 0 && (revents & Poll.POLLIN) != 0) {
                    continue; // a writer came and wrote meanwhile
                }
                if (revents != 0) {
                    return r; // hung up (or poll failed): the end of the stream
                }
                r = -Errno.EAGAIN;
            }
            if (r != -Errno.EAGAIN) {
                return r;
            }
            long status = f.waiting(() -> reading ? route.awaitReadable(fd, 0) : route.awaitWritable(fd, 0));
            if (status != IoStatus.READY) {
                return status;
            }
        }
    }

    private static long ring(IoRoute route, int kind, int fd, long address, int length, long position) {
        MemorySegment at = MemorySegment.ofAddress(address);
        return switch (kind) {
            case READ -> route.read(fd, at.reinterpret(length), position);
            case WRITE -> route.write(fd, at.reinterpret(length), position);
            case READV -> route.readVector(fd, at, length, position);
            default -> route.writeVector(fd, at, length, position);
        };
    }

    private static long syscall(int kind, int fd, long address, int length, long position) {
        MemorySegment capture = Native.threadCaptureState();
        return switch (kind) {
            case READ -> FileCalls.read(capture, fd, address, length, position);
            case WRITE -> FileCalls.write(capture, fd, address, length, position);
            case READV -> FileCalls.readVector(capture, fd, address, length, position);
            default -> FileCalls.writeVector(capture, fd, address, length, position);
        };
    }
}
