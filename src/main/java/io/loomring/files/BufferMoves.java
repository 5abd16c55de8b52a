package io.loomring.files;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The loops that move one buffer's bytes (or a scatter/gather array's) through a channel's calls,
 * each call through {@link LoomringFileChannel#run}: a heap buffer larger than one bounce block goes
 * block by block, a FIFO takes a write as its reader makes room, and a short count or the end of the
 * file ends the loop. The caller holds the position lock for calls at the file position
 * ({@code position} {@code -1}).
 */
final class BufferMoves {
    private BufferMoves() {}

    /** A scattering read at the file position: bytes read, or {@code -1} at the end of the file. */
    static long readVector(LoomringFileChannel channel, FileFd fd, int alignment, ByteBuffer[] dsts, int offset,
                           int length) throws IOException {
        if (alignment > 0) {
            DirectAlignment.checkPosition(channel.position(), alignment);
        }
        long total = 0;
        for (;;) { // more than one call only when the buffers hold more than one bounce block
            try (NativeVector v = NativeVector.of(dsts, offset, length, false, alignment)) {
                if (v.bytes() == 0) {
                    return total;
                }
                long n = channel.run(() -> FileIo.readVector(fd, v.table(), v.count(), -1), v::readDone);
                if (n == 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (n < v.bytes() || fd.pollable()) {
                    return total;
                }
            }
        }
    }

    /** A gathering write at the file position: all of it unless the disk takes less (a full disk). */
    static long writeVector(LoomringFileChannel channel, FileFd fd, int alignment, ByteBuffer[] srcs, int offset,
                            int length) throws IOException {
        if (alignment > 0) {
            DirectAlignment.checkPosition(channel.position(), alignment);
        }
        long total = 0;
        for (;;) { // a blocking channel writes all it is given, one bounce block at a time
            try (NativeVector v = NativeVector.of(srcs, offset, length, true, alignment)) {
                if (v.bytes() == 0) {
                    return total;
                }
                long n = channel.run(() -> FileIo.writeVector(fd, v.table(), v.count(), -1), v::writeDone);
                total += n;
                if (n == 0 || n < v.bytes() && !fd.pollable()) {
                    return total;
                }
            }
        }
    }

    /**
     * Reads into {@code dst} at {@code position} ({@code -1}: the channel's). A heap buffer larger
     * than one bounce block is filled block by block, as the JDK fills it in one call, until the
     * file has no more; the buffer's position says how far it got if a later block fails.
     */
    static long read(LoomringFileChannel channel, FileFd fd, int alignment, ByteBuffer dst, long position) throws IOException {
        if (alignment > 0) {
            DirectAlignment.checkPosition(position >= 0 ? position : channel.position(), alignment);
            DirectAlignment.checkBuffer(dst, alignment);
        }
        long total = 0;
        while (dst.hasRemaining()) {
            long at = position < 0 ? -1 : position + total;
            try (NativeSpan span = NativeSpan.of(dst, false, alignment)) {
                long n = channel.run(() -> FileIo.read(fd, span.address(), span.length(), at), span::readDone);
                if (n == 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (n < span.length() || fd.pollable()) {
                    break;
                }
            }
        }
        return total;
    }

    /**
     * Writes {@code src} at {@code position} ({@code -1}: the channel's). A blocking channel
     * writes all of it: a heap buffer larger than one bounce block goes block by block, and a FIFO
     * takes it as its reader makes room; a disk file's short write (a full disk) ends it early.
     */
    static long write(LoomringFileChannel channel, FileFd fd, int alignment, ByteBuffer src, long position) throws IOException {
        if (alignment > 0) {
            DirectAlignment.checkPosition(position >= 0 ? position : channel.position(), alignment);
            DirectAlignment.checkBuffer(src, alignment);
        }
        long total = 0;
        while (src.hasRemaining()) {
            long at = position < 0 ? -1 : position + total;
            try (NativeSpan span = NativeSpan.of(src, true, alignment)) {
                long n = channel.run(() -> FileIo.write(fd, span.address(), span.length(), at), span::writeDone);
                total += n;
                if (n == 0 || n < span.length() && !fd.pollable()) {
                    break;
                }
            }
        }
        return total;
    }
}
