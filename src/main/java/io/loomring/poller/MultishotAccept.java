package io.loomring.poller;

import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import io.loomring.ring.RingConstants;

/**
 * A multishot {@code ACCEPT} on one listening socket (5.19): it posts a completion for every
 * connection it accepts, each naming the new fd (non-blocking, close-on-exec), until it ends. The
 * fds wait here, in order, until the socket's acceptor takes them (see {@link Multishot} for who
 * does what). Every fd queued is owned here until taken: {@link #discard} closes those left when
 * the listening socket closes.
 */
public final class MultishotAccept extends Multishot {

    /**
     * A multishot accept on {@code fd}.
     *
     * @param onEnded run once when the outcome is decided, on the deciding thread (mostly the
     *                poller's): short, never blocking
     */
    public MultishotAccept(int fd, Runnable onEnded) {
        super(fd, RingConstants.OP_ACCEPT, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, onEnded);
    }

    /**
     * Poller: queues an accepted fd and wakes the acceptor.
     *
     * @return how many fds are queued now
     */
    public int deliver(int acceptedFd) {
        return push(acceptedFd);
    }

    /** Acceptor: the oldest accepted fd, now the caller's, or -1 when none is queued. */
    public int take() {
        return (int) poll();
    }

    /** Closes every fd still queued. */
    @Override
    public void discard() {
        for (int fd; (fd = take()) >= 0; ) {
            LibC.close(Native.threadCaptureState(), fd);
        }
    }
}
