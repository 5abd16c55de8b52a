package io.loomring.nio;

import io.loomring.IoScheduler;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Poll;
import io.loomring.socket.SocketFd;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of a {@link LoomringPipe}: its non-blocking fd, the reads or writes on it, and its close.
 * The fd's life is {@link SocketFd}'s protocol (operations between begin and end; close cancels
 * blocked awaits, waits for them, then closes), which fits any fd, not only sockets.
 *
 * <p>One operation runs at a time (the JDK's channels have a read lock on the source and a write
 * lock on the sink); a change of blocking mode waits for it, so a blocked operation never finds
 * its channel registered with a selector. In blocking mode an operation that gets EAGAIN parks
 * through the scheduler: a read until some bytes came, a write until every byte went. In
 * non-blocking mode EAGAIN is 0 bytes.
 */
final class PipeEnd implements SelectableFd {
    /** Bytes moved per call through native memory when the buffer is on the heap. */
    private static final int BOUNCE_SIZE = 16384;

    private final AbstractSelectableChannel channel;
    private final boolean reading;
    private final SocketFd fd;
    private final ChannelKeys keys = new ChannelKeys();
    private final ReentrantLock lock = new ReentrantLock();
    /** For heap buffers; taken on first need, freed by the fd's close. Guarded by lock. */
    private MemorySegment bounce;

    /** @param reading true for the source (read end), false for the sink */
    PipeEnd(AbstractSelectableChannel channel, boolean reading, int fd, IoScheduler scheduler) {
        this.channel = channel;
        this.reading = reading;
        this.fd = new SocketFd(fd, scheduler, reading ? "Pipe.SourceChannel" : "Pipe.SinkChannel");
    }

    @Override
    public int fdValue() {
        return fd.fd();
    }

    @Override
    public ChannelKeys keys() {
        return keys;
    }

    /** OP_READ is POLLIN on the source, OP_WRITE is POLLOUT on the sink. */
    @Override
    public int pollEvents(int ops) {
        int events = 0;
        if ((ops & SelectionKey.OP_READ) != 0) {
            events |= Poll.POLLIN;
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            events |= Poll.POLLOUT;
        }
        return events;
    }

    /** As the JDK's pipe channels: an error or hang-up makes the interest set ready. */
    @Override
    public int readyOps(int revents, int interestOps) {
        if ((revents & (Poll.POLLERR | Poll.POLLHUP)) != 0) {
            return interestOps;
        }
        int ops = 0;
        if ((revents & Poll.POLLIN) != 0) {
            ops |= SelectionKey.OP_READ;
        }
        if ((revents & Poll.POLLOUT) != 0) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops & interestOps;
    }

    /** Waits for an operation in progress, so the blocking mode never changes under it. */
    void configureBlocking() {
        lock.lock();
        lock.unlock();
    }

    /**
     * Reads into, or writes from, {@code buffers[offset..offset+length)}, in order, stopping at
     * the first that is not filled or emptied.
     *
     * @return bytes moved, or -1 at end of stream (source only, nothing read)
     */
    long transfer(ByteBuffer[] buffers, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        for (int i = offset; i < offset + length; i++) {
            Objects.requireNonNull(buffers[i]);
            if (reading && buffers[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
        }
        lock.lock();
        try {
            boolean blocking = channel.isBlocking();
            if (blocking) {
                ChannelInterrupts.beforeBlocking(channel);
            }
            fd.begin();
            try {
                long total = 0;
                for (int i = offset; i < offset + length; i++) {
                    ByteBuffer b = buffers[i];
                    if (!b.hasRemaining()) {
                        continue;
                    }
                    // A read blocks only for its first bytes; a blocking write moves every byte.
                    long n = reading ? readOnce(b, blocking && total == 0) : writeAll(b, blocking);
                    if (n < 0) {
                        return total == 0 ? -1 : total;
                    }
                    total += n;
                    if (b.hasRemaining()) {
                        break;
                    }
                }
                return total;
            } finally {
                fd.end();
            }
        } catch (IOException e) {
            throw ChannelInterrupts.after(channel, e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the fd: first out of every selector's epoll set, then waking blocked operations. */
    void close() throws IOException {
        keys.dropAll();
        fd.close();
    }

    /** One read (waiting first for data if {@code mayBlock}); -1 at end of stream. */
    private long readOnce(ByteBuffer dst, boolean mayBlock) throws IOException {
        for (;;) {
            boolean direct = dst.isDirect();
            MemorySegment seg = direct ? MemorySegment.ofBuffer(dst) : bounce(dst.remaining());
            long n = LibC.read(Native.threadCaptureState(), fd.fd(), seg, seg.byteSize());
            if (n == -Errno.EAGAIN) {
                if (!mayBlock) {
                    return 0;
                }
                fd.await(fd.route(), true, 0, "no timeout");
                continue;
            }
            check(n, "read");
            if (n == 0) {
                return -1;
            }
            if (direct) {
                dst.position(dst.position() + (int) n);
            } else {
                dst.put(seg.asSlice(0, n).asByteBuffer());
            }
            return n;
        }
    }

    /** Writes what the pipe takes now, or (if {@code blocking}) all of {@code src}, waiting for room. */
    private long writeAll(ByteBuffer src, boolean blocking) throws IOException {
        long total = 0;
        while (src.hasRemaining()) {
            MemorySegment seg;
            if (src.isDirect()) {
                seg = MemorySegment.ofBuffer(src);
            } else {
                seg = bounce(src.remaining());
                seg.copyFrom(MemorySegment.ofBuffer(src).asSlice(0, seg.byteSize()));
            }
            long n = LibC.write(Native.threadCaptureState(), fd.fd(), seg, seg.byteSize());
            if (n == -Errno.EAGAIN) {
                if (!blocking) {
                    return total;
                }
                fd.await(fd.route(), false, 0, "no timeout");
                continue;
            }
            check(n, "write");
            src.position(src.position() + (int) n);
            total += n;
            if (!blocking) {
                return total;
            }
        }
        return total;
    }

    /** The heap-buffer bounce block, as much of it as {@code wanted} needs. */
    private MemorySegment bounce(int wanted) {
        if (bounce == null) {
            bounce = fd.memory().allocate(BOUNCE_SIZE);
        }
        return bounce.asSlice(0, Math.min(wanted, BOUNCE_SIZE));
    }

    private void check(long n, String call) throws IOException {
        if (n < 0) {
            fd.checkNotClosing(); // a close that raced with the call wins, as with the JDK's channels
            throw new IOException(call + " on " + fd.owner() + " failed: " + Errno.describe((int) -n));
        }
    }

    boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public String toString() {
        return fd.owner() + "[" + fd + "]";
    }
}
