package io.loomring.files;

import io.loomring.ffm.Errno;
import io.loomring.ffm.FileCalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * A channel's transfers and locks. Transfers copy through a direct buffer with the channel's own
 * reads and writes (each one through the ring); locks are {@link FileLocks}' open-file locks. A
 * lock that must wait never blocks a virtual thread's carrier: the thread tries again after a
 * growing pause (1 ms, up to 64 ms) until granted, interrupted or closed; a platform thread does
 * the same, so that an interrupt or a close ends its wait as the JDK's signal does.
 */
final class FileTransfers {
    private FileTransfers() {}

    /** Bytes one step of a transfer moves. */
    private static final int CHUNK = 64 * 1024;
    private static final long MAX_PAUSE_NANOS = 64_000_000L;

    /** {@code transferTo}: from {@code channel} at {@code position}, until {@code count}, the end, or a short write. */
    static long to(LoomringFileChannel channel, long position, long count, WritableByteChannel target) throws IOException {
        if (!target.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!channel.readable()) {
            throw new NonReadableChannelException();
        }
        if (target instanceof LoomringFileChannel lc && !lc.writable()) {
            throw new NonWritableChannelException();
        }
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException();
        }
        try {
            return copyTo(channel, position, count, target);
        } catch (ClosedChannelException e) {
            throw failed(channel, e, target);
        }
    }

    private static long copyTo(LoomringFileChannel channel, long position, long count, WritableByteChannel target)
            throws IOException {
        long size = channel.size();
        if (position > size) {
            return 0;
        }
        long want = Math.min(count, size - position);
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(1, want)));
        long done = 0;
        while (done < want) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), want - done));
            int n = channel.read(buffer, position + done);
            if (n <= 0) {
                break;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                int w = target.write(buffer);
                if (w == 0) { // a non-blocking target is full: stop after what it took, as the JDK does
                    return done + n - buffer.remaining();
                }
            }
            done += n;
        }
        return done;
    }

    /** {@code transferFrom}: into {@code channel} at {@code position}, until {@code count} or the source has no more now. */
    static long from(LoomringFileChannel channel, ReadableByteChannel src, long position, long count) throws IOException {
        if (!src.isOpen()) {
            throw new ClosedChannelException();
        }
        if (src instanceof LoomringFileChannel lc && !lc.readable()) {
            throw new NonReadableChannelException();
        }
        if (!channel.writable()) {
            throw new NonWritableChannelException();
        }
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException();
        }
        try {
            return copyFrom(channel, src, position, count);
        } catch (ClosedChannelException e) {
            throw failed(channel, e, src);
        }
    }

    /**
     * What a transfer throws when either channel was closed under it, as the JDK's: an interrupt
     * closes both channels ({@link ClosedByInterruptException}), another close is an
     * {@link AsynchronousCloseException}.
     */
    private static AsynchronousCloseException failed(LoomringFileChannel channel, ClosedChannelException e,
                                                     Channel other) {
        if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
            ClosedByInterruptException interrupted = e instanceof ClosedByInterruptException c
                    ? c : new ClosedByInterruptException();
            for (Channel c : new Channel[] {channel, other}) {
                try {
                    c.close();
                } catch (IOException x) {
                    interrupted.addSuppressed(x);
                }
            }
            return interrupted;
        }
        if (e instanceof AsynchronousCloseException closed) {
            return closed;
        }
        AsynchronousCloseException closed = new AsynchronousCloseException();
        closed.addSuppressed(e);
        return closed;
    }

    private static long copyFrom(LoomringFileChannel channel, ReadableByteChannel src, long position, long count)
            throws IOException {
        // A position at or past the end grows the file, as the javadoc says (no early return for it).
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(1, count)));
        long done = 0;
        while (done < count) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
            int n = src.read(buffer);
            if (n <= 0) {
                break;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer, position + done + (n - buffer.remaining()));
            }
            done += n;
        }
        return done;
    }

    /** {@code lock} ({@code wait}) or {@code tryLock}, with the JDK's checks and table. */
    static FileLock lock(LoomringFileChannel channel, FileFd fd, FileLocks.FileKey key, long position, long size,
                         boolean shared, boolean wait) throws IOException {
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        if (shared && !channel.readable()) {
            throw new NonReadableChannelException();
        }
        if (!shared && !channel.writable()) {
            throw new NonWritableChannelException();
        }
        if (size == 0) {
            size = Long.MAX_VALUE - Math.max(0, position);
        }
        FileLocks.Lock lock = new FileLocks.Lock(channel, key, fd, position, size, shared);
        FileLocks.add(lock);
        boolean granted = false;
        try {
            short type = shared ? FileCalls.F_RDLCK : FileCalls.F_WRLCK;
            if (!wait) { // as the JDK's tryLock: no interrupt rule, the channel just has to be open
                granted = channel.quick(() -> tryOnce(fd, lock, type)) == 0;
                return granted ? lock : null;
            }
            // Every thread polls, a platform thread too: one that waited in F_OFD_SETLKW could be
            // woken by neither an interrupt nor a close (the JDK signals its thread out of the wait).
            long pause = 1_000_000L;
            for (;;) {
                if (channel.run(() -> tryOnce(fd, lock, type), n -> { }) == 0) {
                    granted = true;
                    return lock;
                }
                LockSupport.parkNanos(pause); // the JDK would hold the carrier in F_SETLKW here
                pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                if (Thread.currentThread().isInterrupted()) {
                    channel.close();
                    throw new FileLockInterruptionException();
                }
                if (!channel.isOpen()) {
                    throw new AsynchronousCloseException();
                }
            }
        } catch (ClosedByInterruptException e) {
            throw new FileLockInterruptionException(); // what the JDK's lock says of an interrupt
        } finally {
            if (!granted) {
                FileLocks.remove(lock);
            }
        }
    }

    /** One try: 0 granted, 1 held elsewhere, or {@code -errno}. */
    private static long tryOnce(FileFd fd, FileLocks.Lock lock, short type) {
        int r = FileLocks.kernelLock(fd.fd(), lock.position(), lock.size(), type, false);
        return r == -Errno.EAGAIN || r == -Errno.EACCES ? 1 : r;
    }
}
