package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.poller.Completion;
import io.loomring.poller.MultishotAccept;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The accepting side of a listening socket whose accepts go through a multishot accept
 * ({@link io.loomring.IoScheduler.Builder#multishotAccept}): one {@link MultishotAccept} at a time,
 * started by a blocking accept on a route that takes them and kept running between accepts, so the
 * kernel accepts connections as they come and a later accept takes one without a syscall.
 *
 * <p>Acceptors take turns (a lock held while one waits, so one thread at a time waits for the
 * receive's next connection; a timeout or an interrupt also ends a wait for the lock). While a
 * multishot accept runs, every blocking accept of the socket waits for it, whatever its thread's
 * route: {@code accept4(2)} would race it for the kernel's queue, and a thread waiting for the
 * socket's readiness could wait forever while the multishot accept takes every connection.
 *
 * <p>The accept is an operation on the fd from its start to its end ({@link SocketFd#begin}), so
 * closing the socket cancels it and waits for it; the connections still queued are then closed
 * ({@link #discard}).
 */
final class MultishotAcceptor {
    /** What {@link #accept} returns when this accept must take the ordinary path. */
    static final int UNUSED = Integer.MIN_VALUE;

    private final SocketFd fd;
    private final ReentrantLock lock = new ReentrantLock();
    /** The accept running or holding connections; started and ended under {@link #lock}. */
    private final RunningMultishot<MultishotAccept> running;

    MultishotAcceptor(SocketFd fd) {
        this.fd = fd;
        this.running = new RunningMultishot<>(fd);
    }

    /** Never accepts through a multishot accept (a face whose readiness a selector reads). */
    void disallow() {
        running.disallow();
    }

    /**
     * Accepts a connection: waits for one when {@code blocking}, at most until {@code deadline} (a
     * {@link System#nanoTime} value, 0 for none).
     *
     * @return the accepted fd (non-blocking, close-on-exec; now the caller's), or {@link #UNUSED}
     *         when this accept takes the ordinary path (none running and none to start, or not
     *         blocking and none queued)
     */
    int accept(IoRoute route, boolean blocking, long deadline) throws IOException {
        if (running.current() == null && !(blocking && running.mayStart() && route.multishotAccept())) {
            return UNUSED;
        }
        lock(route, deadline);
        try {
            for (;;) {
                fd.checkNotClosing();
                MultishotAccept m = running.current();
                if (m == null) {
                    if (!blocking || !running.mayStart() || !route.multishotAccept()) {
                        return UNUSED;
                    }
                    m = running.start(route, MultishotAccept::new);
                }
                int accepted = m.take();
                if (accepted >= 0) {
                    return accepted;
                }
                if (!m.isPending()) {
                    int r = ended(running.end(route, m));
                    if (r == RunningMultishot.RESTART) {
                        continue;
                    }
                    return r;
                }
                if (!blocking) {
                    return UNUSED; // accept4 finds none either, or one the multishot accept has not taken yet
                }
                switch (m.awaitResult(deadline)) {
                    case Completion.TIMED_OUT -> throw fd.statusException(route, IoStatus.TIMED_OUT, "Accept timed out");
                    case Completion.INTERRUPTED -> throw fd.statusException(route, IoStatus.INTERRUPTED, null);
                    default -> { }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The socket closed and no thread accepts any more: the connections still queued are closed. */
    void discard() {
        running.discard();
    }

    /** Takes the acceptors' turn: a timeout or an interrupt while waiting for it ends the accept. */
    private void lock(IoRoute route, long deadline) throws IOException {
        try {
            if (deadline == 0) {
                lock.lockInterruptibly();
            } else if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw fd.statusException(route, IoStatus.TIMED_OUT, "Accept timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fd.statusException(route, IoStatus.INTERRUPTED, null);
        }
    }

    /**
     * What an accept makes of the end of a multishot accept whose connections are all taken: again
     * after an end with a connection, the poller's cancel because too many were queued, or an error
     * of one pending connection; the ordinary way where the kernel refuses; else its error.
     */
    private static int ended(int res) throws IOException {
        if (res >= 0 || res == RunningMultishot.RESTART || ListeningSocket.isTransient(-res)) {
            return RunningMultishot.RESTART;
        }
        if (res == -Errno.EINVAL || res == -Errno.EOPNOTSUPP) {
            return UNUSED;
        }
        throw new SocketException("accept failed: " + SocketErrors.describe(-res));
    }
}
