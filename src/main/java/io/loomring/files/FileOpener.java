package io.loomring.files;

import io.loomring.IoScheduler;
import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.ffm.FileCalls;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

/**
 * Opens a file for a channel: the {@code open(2)} in the ring (or on the blocking pool, or
 * directly on a platform thread), then what the channel needs to know of the file. A pollable file
 * (FIFO, terminal, socket) is made non-blocking, so its reads and writes wait for readiness.
 */
final class FileOpener {
    private FileOpener() {}

    private static final int EISDIR = 21;

    /** How the JDK turns a path into bytes for the kernel. */
    private static final Charset PATH_CHARSET = Charset.forName(
            System.getProperty("sun.jnu.encoding", "UTF-8"), Charset.defaultCharset());

    /**
     * @param path a path of the default provider (the one Loomring's provider wraps)
     */
    static LoomringFileChannel open(IoScheduler scheduler, Path path, Set<? extends OpenOption> options,
                                    FileAttribute<?>... attrs) throws IOException {
        OpenFlags flags = OpenFlags.of(options, attrs);
        String name = path.toString();
        if (flags.createsNew() && (name.equals(".") || name.endsWith("/."))) {
            throw FileErrors.ofPath(Errno.EEXIST, name); // the JDK's answer, before open(2) gives a confusing one
        }
        int fd = openFd(scheduler, name, flags);
        try {
            int[] errno = new int[1];
            FileStat stat = FileStat.of(fd, errno);
            if (stat == null) {
                throw FileErrors.ofPath(errno[0], name);
            }
            boolean pollable = !stat.isDisk() && !stat.isDirectory();
            if (pollable) {
                MemorySegment capture = Native.threadCaptureState();
                int fl = FileCalls.fcntl(capture, fd, FileCalls.F_GETFL, 0);
                if (fl < 0 || FileCalls.fcntl(capture, fd, FileCalls.F_SETFL, fl | LibC.O_NONBLOCK) < 0) {
                    throw FileErrors.ofPath(fl < 0 ? -fl : Errno.EINVAL, name);
                }
            }
            int alignment = flags.direct() ? (int) path.getFileSystem().provider().getFileStore(path).getBlockSize() : 0;
            if (flags.deleteOnClose()) {
                Files.deleteIfExists(path); // at once, as the JDK does on Unix: the open file lives on
            }
            // Page-cache writes only: O_DIRECT and O_SYNC/O_DSYNC writes wait for the disk.
            boolean inline = stat.isDisk() && !flags.direct()
                    && (flags.flags() & (FileCalls.O_SYNC | FileCalls.O_DSYNC)) == 0;
            FileFd file = new FileFd(fd, pollable, stat.isFifo() && !flags.write(), inline, scheduler);
            return new LoomringFileChannel(file, flags, path, stat.key(), alignment);
        } catch (IOException | RuntimeException | Error e) {
            LibC.close(Native.threadCaptureState(), fd);
            throw e;
        }
    }

    private static int openFd(IoScheduler scheduler, String name, OpenFlags flags) throws IOException {
        byte[] bytes = name.getBytes(PATH_CHARSET);
        long block = LibC.malloc(bytes.length + 1L);
        long r;
        try {
            MemorySegment path = MemorySegment.ofAddress(block).reinterpret(bytes.length + 1L);
            MemorySegment.copy(bytes, 0, path, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            path.set(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
            r = FileIo.open(scheduler, path, flags.flags(), flags.mode());
        } finally {
            LibC.free(block);
        }
        if (r >= 0) {
            return (int) r; // opened, even if an interrupt came meanwhile: its status stays set for the next call
        }
        if (r == IoStatus.INTERRUPTED || r == IoStatus.CANCELLED) {
            throw new ClosedByInterruptException(); // the open never happened (a FIFO open waits for its other end)
        }
        if (r == IoStatus.CLOSED) {
            throw new IOException("the scheduler is closed: cannot open " + name);
        }
        int errno = (int) -r;
        if (errno == EISDIR && flags.createsNew()) {
            errno = Errno.EEXIST; // as the JDK: Linux may say EISDIR of an existing directory
        }
        if (errno == FileErrors.ELOOP && flags.noFollow()) {
            // the JDK's message, and its plain IOException, for a link it was told not to follow
            throw new IOException(FileCalls.strerror(errno) + " (NOFOLLOW_LINKS specified)");
        }
        throw FileErrors.ofPath(errno, name);
    }
}
