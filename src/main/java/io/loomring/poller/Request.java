package io.loomring.poller;

import java.util.concurrent.locks.LockSupport;

/**
 * What other threads hand a poller through its {@link Inbox}: a {@link Completion} to arm (or, once
 * its own thread decided it, to disarm), a carried thread's {@link Continuation} to run, an
 * {@link OperationCancel} from an operation's waiting thread, or an {@link FdCancel} for every
 * request on one fd. The poller takes them apart with one {@code switch}.
 */
public sealed interface Request permits Completion, Request.Continuation, Request.OperationCancel, Request.FdCancel {

    /** A carried thread's continuation handed over by a thread not on the carrier. */
    record Continuation(Runnable task) implements Request {}

    /** The waiting thread of a ring operation asks for it to be cancelled; its final completion decides. */
    record OperationCancel(RingOperation op) implements Request {}

    /** Cancel every request on one fd; the caller parks until the poller has done so. */
    final class FdCancel implements Request {
        private final int fd;
        private final Thread caller = Thread.currentThread();
        /** Written by the poller, read by the parked caller after each return from park. */
        private volatile boolean done;

        FdCancel(int fd) {
            this.fd = fd;
        }

        int fd() {
            return fd;
        }

        /**
         * The caller's side: parks until the poller has finished this cancel, or has terminated
         * (and so never will). An interrupt does not end the wait; it is kept for the caller.
         */
        void awaitDone(Poller poller) {
            boolean interrupted = false;
            while (!done && !poller.isTerminated()) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** Poller: the removals are submitted (or the poller terminated); wake the caller. */
        void finish() {
            done = true;
            LockSupport.unpark(caller);
        }
    }
}
