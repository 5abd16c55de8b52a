package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.poller.Completion;
import io.loomring.poller.MultishotReceive;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The reading side of a socket whose reads go through a multishot receive
 * ({@link io.loomring.IoScheduler.Builder#multishotReceive}): one {@link MultishotReceive} at a
 * time, started by a blocking read on a route that takes them, and kept running between reads, so
 * bytes that arrive meanwhile wait in the ring's buffers and the next read copies them out without
 * a submission. Used under the socket's read lock.
 *
 * <p>While a receive runs or holds bytes, every read of the socket must come here, whatever its
 * thread's route (a thread that moved to another carrier, or was released to the JDK's scheduler,
 * goes on reading from the same receive; its chunks and its end reach any thread), and none may
 * call {@code recv(2)}, which would take bytes from under the receive and reorder them.
 *
 * <p>The receive is an operation on the fd from its start to its end ({@link SocketFd#begin}), so
 * a close waits for it and cancels it ({@code cancel(fd)}); the bytes still queued then go back
 * to the ring with {@link #discard}. A timeout or an interrupt of a read cancels nothing: the bytes
 * stay queued, in order, for the next read.
 */
final class MultishotReader {
    /** What {@link #read} returns when this read must take the ordinary path. */
    static final int UNUSED = Integer.MIN_VALUE;

    private final SocketFd fd;
    private final RunningMultishot<MultishotReceive> running;
    /** The last receive ended at the end of the stream: later reads return -1 at once. */
    private boolean endOfStream;

    MultishotReader(SocketFd fd) {
        this.fd = fd;
        this.running = new RunningMultishot<>(fd);
    }

    /** Starts no more receives (the one running, if any, is read to its end). */
    void disallow() {
        running.disallow();
    }

    /** True while a receive runs or holds bytes: every read must then come here. */
    boolean active() {
        return running.current() != null || endOfStream;
    }

    /** Bytes queued and not read yet. */
    long queuedBytes() {
        MultishotReceive m = running.current();
        return m == null ? 0 : m.queuedBytes();
    }

    /**
     * Reads up to {@code len} bytes into {@code dst}: waits for bytes when {@code blocking}, at most
     * until {@code deadline} (a {@link System#nanoTime} value, 0 for none).
     *
     * @return bytes read, -1 at end of stream, 0 when not blocking and none are there, or
     *         {@link #UNUSED} when no receive runs and none could start (this read takes the
     *         ordinary path)
     */
    int read(IoRoute route, MemorySegment dst, int len, boolean blocking, long deadline) throws IOException {
        for (;;) {
            if (endOfStream) {
                return -1;
            }
            MultishotReceive m = running.current();
            if (m == null) {
                if (!blocking || !running.mayStart() || !route.multishotReceive()) {
                    return UNUSED;
                }
                m = running.start(route, MultishotReceive::new);
            }
            int n = m.take(dst, 0, len);
            if (n > 0) {
                return n;
            }
            if (!m.isPending()) {
                int r = ended(running.end(route, m));
                if (r == RunningMultishot.RESTART) {
                    continue;
                }
                return r;
            }
            if (!blocking) {
                return 0;
            }
            fd.checkNotClosing();
            switch (m.awaitResult(deadline)) {
                case Completion.TIMED_OUT -> throw fd.statusException(route, IoStatus.TIMED_OUT, "Read timed out");
                case Completion.INTERRUPTED -> throw fd.statusException(route, IoStatus.INTERRUPTED, null);
                default -> { }
            }
        }
    }

    /** The socket closed and no thread reads any more: the queued buffers go back to their ring. */
    void discard() {
        running.discard();
    }

    /**
     * What a read makes of the end of a receive whose bytes it has all read: bytes again (an end
     * with bytes, or the poller's cancel because the socket held too many chunks) start the next
     * one; no free buffer, or a kernel that refuses, sends this read the ordinary way.
     */
    private int ended(int res) throws IOException {
        if (res > 0 || res == RunningMultishot.RESTART) {
            return RunningMultishot.RESTART;
        }
        if (res == 0) {
            endOfStream = true;
            return -1;
        }
        if (res == -Errno.ENOBUFS || res == -Errno.EOPNOTSUPP || res == -Errno.EINVAL) {
            return UNUSED;
        }
        throw SocketErrors.io("read", -res);
    }
}
