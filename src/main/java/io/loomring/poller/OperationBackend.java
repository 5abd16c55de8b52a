package io.loomring.poller;

import java.io.IOException;

/**
 * A backend that also runs ring operations with a buffer (io_uring's RECV and SEND) for the
 * threads its poller serves. The poller checks for this type once, when it is made, instead of
 * asking a capability flag on every call.
 */
public abstract class OperationBackend extends PollerBackend {
    /** The poller that runs this backend, set once when it is made: what a {@link FixedFile} names. */
    private Poller poller;

    /** For subclasses. */
    protected OperationBackend() {}

    void runBy(Poller poller) {
        this.poller = poller;
    }

    /** The poller that runs this backend. */
    protected final Poller poller() {
        return poller;
    }

    /**
     * Empties the registered-file slot {@code file} holds in this ring (its socket is closing).
     * Only a backend that claims files has any.
     */
    protected void releaseFile(FixedFile file) throws IOException {
        throw new IllegalStateException("this backend registers no files");
    }

    /** Queues a pending operation in the ring (submitted at the next {@link #submitAndReap}). */
    protected abstract void start(Operation op) throws IOException;

    /** Asks the kernel to cancel an operation in flight; its final completion decides it. */
    protected abstract void cancel(Operation op) throws IOException;

    /**
     * True while this backend takes {@link MultishotReceive}s; false once the kernel refused them.
     * Read by any thread.
     */
    protected boolean multishotReceive() {
        return false;
    }

    /**
     * True while this backend takes {@link MultishotAccept}s; false once the kernel refused them.
     * Read by any thread.
     */
    protected boolean multishotAccept() {
        return false;
    }
}
