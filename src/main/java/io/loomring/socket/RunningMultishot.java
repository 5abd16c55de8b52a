package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.poller.Completion;
import io.loomring.poller.Multishot;
import java.io.IOException;
import java.util.function.BiFunction;

/**
 * The one multishot request of a socket ({@link MultishotReader}'s receive, {@link MultishotAcceptor}'s
 * accept) while it runs or holds results, and the steps both kinds share: it is an operation on the
 * fd from its start to its end ({@link SocketFd#begin}), so a close cancels it and waits for it; its
 * end says whether the scheduler or the socket closed it; what it still holds when the socket has
 * closed is let go ({@link Multishot#discard}).
 *
 * @param <M> the kind of request
 */
final class RunningMultishot<M extends Multishot> {
    /** What {@link #end} returns for a cancel of the poller's own (it held too much): start another. */
    static final int RESTART = Integer.MIN_VALUE + 1;

    private final SocketFd fd;
    /** Ends the request's operation on the fd (made once: every request's end action). */
    private final Runnable ended;
    /** The request running or holding results, or null; written by the socket's one consumer. */
    private volatile M current;
    /** False once the socket's readiness is read from the kernel (see {@link #disallow}). */
    private volatile boolean allowed = true;

    RunningMultishot(SocketFd fd) {
        this.fd = fd;
        this.ended = fd::endBackground;
    }

    /** The request running or holding results, or null. */
    M current() {
        return current;
    }

    /**
     * Starts no more requests: for a face whose readiness is read from the kernel (a channel a
     * selector watches, an fd handed out), which cannot see what a request took from it. One still
     * running (or holding results) is consumed to its end.
     */
    void disallow() {
        allowed = false;
    }

    /** True unless {@link #disallow}ed: a new request may start. */
    boolean mayStart() {
        return allowed;
    }

    /** Starts a request made by {@code make} (given the fd and the end action) in {@code route}'s ring. */
    M start(IoRoute route, BiFunction<Integer, Runnable, M> make) throws IOException {
        fd.begin();
        M m = make.apply(fd.fd(), ended);
        m.onFixedFile(fd.fixedFile());
        current = m;
        route.startMultishot(m);
        return m;
    }

    /**
     * {@code m} ended and every result it had is taken: forgets it, and throws when the scheduler
     * or the socket closed it.
     *
     * @return its final result, or {@link #RESTART} when the poller cancelled it
     */
    int end(IoRoute route, M m) throws IOException {
        current = null;
        if (m.state() == Completion.CLOSED) {
            throw fd.statusException(route, IoStatus.CLOSED, null);
        }
        fd.checkNotClosing();
        int res = m.result();
        return res == -Errno.ECANCELED && !m.isCancelledByFd() ? RESTART : res;
    }

    /** The socket closed and nobody consumes any more: what the request still holds is let go. */
    void discard() {
        M m = current;
        if (m != null && !m.isPending()) {
            current = null;
            m.discard();
        }
    }
}
