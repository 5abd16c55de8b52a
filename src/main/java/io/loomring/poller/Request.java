package io.loomring.poller;

import java.util.concurrent.locks.LockSupport;

/**
 * What other threads hand a poller through its {@link Inbox}: a {@link Completion} to arm (or, once
 * its own thread decided it, to disarm), a carried thread's {@link Continuation} to run, an
 * {@link OperationCancel} from an operation's waiting thread, an {@link FdCancel} for every
 * request on one fd, or a {@link FileRelease} of a closing socket's registered file. The poller
 * takes them apart with one {@code switch}.
 */
public sealed interface Request permits Completion, Request.Continuation, Request.OperationCancel, Request.Awaited {

    /** A carried thread's continuation handed over by a thread not on the carrier. */
    record Continuation(Runnable task) implements Request {}

    /** The waiting thread of a ring operation asks for it to be cancelled; its final completion decides. */
    record OperationCancel(RingOperation op) implements Request {}

    /**
     * A request whose caller parks until the poller has handled it ({@link #finish}) or has
     * terminated (and so never will).
     */
    abstract sealed class Awaited implements Request permits FdCancel, FileRelease {
        private final Thread caller = Thread.currentThread();
        /** Written by the poller, read by the parked caller after each return from park. */
        private volatile boolean done;

        /**
         * The caller's side: parks until the poller has finished this request, or has terminated.
         * An interrupt does not end the wait; it is kept for the caller.
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

        /** Poller: handled (or the poller terminated); wake the caller. */
        void finish() {
            done = true;
            LockSupport.unpark(caller);
        }
    }

    /** Cancel every request on one fd; the caller parks until the removals are submitted. */
    final class FdCancel extends Awaited {
        private final int fd;

        FdCancel(int fd) {
            this.fd = fd;
        }

        int fd() {
            return fd;
        }
    }

    /** Empty a closing socket's registered-file slot ({@link FixedFile#release}); the caller parks until it is. */
    final class FileRelease extends Awaited {
        private final FixedFile file;

        FileRelease(FixedFile file) {
            this.file = file;
        }

        FixedFile file() {
            return file;
        }
    }
}
