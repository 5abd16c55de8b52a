package io.loomring.poller;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The poller thread's side of the requests: takes each apart (one {@code switch} over the sealed
 * {@link Request}) and hands it to the backend, the carrier's run queue, or the list of fd cancels
 * whose callers wait for the next submission. At termination it decides every request left.
 * Poller thread only (or a thread it carries, which is on that thread).
 */
final class RequestDispatcher {
    private final PollerBackend backend;
    /** The backend when it runs ring operations, else null. */
    private final OperationBackend operations;
    /** The carrier's loop, for handed-over continuations; null for a sub-poller. */
    private final CarrierLoop carrier;
    private final List<Request.FdCancel> pendingCancels = new ArrayList<>();
    /** The request being armed, so a failing arm cannot strand it. */
    private Completion arming;

    RequestDispatcher(PollerBackend backend, OperationBackend operations, CarrierLoop carrier) {
        this.backend = backend;
        this.operations = operations;
        this.carrier = carrier;
    }

    /** Takes in what other threads handed over; true when there was anything. */
    boolean drain(Inbox inbox) throws IOException {
        Request r;
        boolean any = false;
        while ((r = inbox.poll()) != null) {
            any = true;
            switch (r) {
                case Request.Continuation c -> carrier.enqueue(c.task()); // only carriers are handed any
                case Completion c -> handle(c);
                // After the operation's own arm: one producer's requests keep their order.
                case Request.OperationCancel c -> operations.cancel(c.op());
                case Request.FdCancel c -> {
                    pendingCancels.add(c); // first: if cancelFd throws, terminate() still releases the caller
                    backend.cancelFd(c.fd());
                }
                case Request.FileRelease c -> {
                    try {
                        operations.releaseFile(c.file()); // done at once: the kernel call is synchronous
                    } finally {
                        c.finish();
                    }
                }
            }
        }
        return any;
    }

    /** Arms a new request, or disarms an await whose outcome was decided by its own thread. */
    void handle(Completion c) throws IOException {
        if (c.slot == Completion.NOT_ARMED) {
            if (c.isPending()) {
                // Off the queue and maybe not yet in the backend's tables: if arming throws,
                // terminate() must still find it.
                arming = c;
                switch (c) {
                    case Await a -> backend.arm(a);
                    case Operation op -> operations.start(op);
                }
                arming = null;
            } else {
                c.slot = Completion.RELEASED;
            }
        } else if (c.slot >= 0 && !c.isPending() && c instanceof Await a) {
            backend.disarm(a); // an operation is decided by its final completion only, never disarmed
        }
    }

    /** The waiting thread of {@code op} asked for a cancel, inline. */
    void cancel(RingOperation op) throws IOException {
        operations.cancel(op);
    }

    boolean hasPendingCancels() {
        return !pendingCancels.isEmpty();
    }

    /** The fd cancels taken in are submitted: release their callers. */
    void finishCancels() {
        for (Request.FdCancel c : pendingCancels) {
            c.finish();
        }
        pendingCancels.clear();
    }

    /**
     * Termination: decides {@link Completion#CLOSED} for every armed request and for the one being
     * armed, closes the inbox and accounts for what it still holds (continuations go to the common
     * pool), and releases every waiting fd cancel.
     */
    void terminate(Inbox inbox) {
        backend.releaseAll(Completion.CLOSED);
        if (arming != null) {
            arming.complete(Completion.CLOSED);
            arming = null;
        }
        inbox.close();
        Request r;
        while ((r = inbox.poll()) != null) {
            switch (r) {
                case Request.Continuation c -> Poller.orphan(c.task());
                case Completion c -> c.complete(Completion.CLOSED);
                case Request.OperationCancel c -> { } // its operation was armed before it: releaseAll decided it
                case Request.Awaited c -> c.finish();
            }
        }
        finishCancels();
        if (carrier != null) {
            carrier.orphanRunQueue();
        }
    }
}
