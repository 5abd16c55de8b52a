package io.loomring.poller;

import java.io.IOException;

/**
 * A backend that also runs ring operations with a buffer (io_uring's RECV and SEND) for the
 * threads its poller serves. The poller checks for this type once, when it is made, instead of
 * asking a capability flag on every call.
 */
public abstract class OperationBackend extends PollerBackend {
    /** For subclasses. */
    protected OperationBackend() {}

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
