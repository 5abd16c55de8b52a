package io.loomring.jcstress.sim;

import io.loomring.ffm.Errno;
import io.loomring.poller.Completion;
import io.loomring.poller.RingOperation;
import io.loomring.ring.RingConstants;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One completion-mode {@code RECV} of a virtual thread, with a simulated kernel. The virtual thread
 * makes the library's {@link RingOperation#ofCurrentThread} (which binds the calling thread, so it must be made
 * there) and awaits it; the test's actors play the kernel completing the read with bytes
 * ({@link #kernelCompletesWithBytes()}) and another thread interrupting the reader.
 *
 * <p>The kernel completes an operation once: an {@link AtomicInteger} stands in for that, and
 * whoever moves it from in-flight wins. Bytes win it in {@link #kernelCompletesWithBytes()}: the
 * buffer is written, and then the poller reaps the CQE and calls
 * {@link RingOperation#completeOperation}{@code (BYTES)}. The reader's cancel request (the
 * {@code requestCancel} it runs on an interrupt) wins it only if no bytes came first, and then the
 * final completion is {@code -ECANCELED}. Either way exactly one completion reaches the waiter.
 *
 * <p>Between the kernel's write and the poller's {@code completeOperation} the CQE waits in the
 * ring for a while, drawn per sample (0 to {@value #MAX_REAP_DELAY} spin hints): on a busy carrier
 * that gap is real, and it is where a cancel asked too late meets bytes already written. Without
 * it the reader, which needs a carrier to react to its interrupt, almost never lands there (about
 * 0.05% of samples instead of 2%); samples with a short draw still race the completion closely.
 *
 * <p>{@link Rule#COMPLETION_DECIDES} awaits with the library's {@link RingOperation#awaitCompletion} (what
 * {@code Poller.runOperation} runs). {@link Rule#OWN_OUTCOME} is for the broken twin: the old
 * readiness rule of {@code Await.awaitOutcome}, written out below (an operation has no such wait),
 * where the interrupted reader decides INTERRUPTED
 * itself, asks for the cancel and returns without waiting for the final completion.
 */
public final class ParkedOperation {
    /** How the reader waits. */
    public enum Rule {
        /** The library's operation rule: only the final completion decides. */
        COMPLETION_DECIDES,
        /** Broken: the reader decides its own interrupt, as a readiness poll may. */
        OWN_OUTCOME
    }

    /** {@link #join} result when the reader did not return. */
    public static final int HUNG = -1;
    /** Bytes the kernel writes when the read completes. */
    public static final int BYTES = 16;

    private static final int IN_FLIGHT = 0;
    private static final int COMPLETED = 1;
    private static final int CANCELLED = 2;
    private static final int FD = 10;
    private static final int MAX_REAP_DELAY = 256;

    private final Rule rule;
    /** Spins between the kernel's write and the poller's reaping of the CQE, drawn per sample. */
    private final int reapDelay = ThreadLocalRandom.current().nextInt(MAX_REAP_DELAY + 1);
    private final AtomicInteger kernel = new AtomicInteger(IN_FLIGHT);
    private final Thread thread;
    private volatile RingOperation op;
    private volatile int written;
    private volatile boolean cancelRequested;
    private volatile int state = HUNG;
    private volatile int result;

    /**
     * Starts the reader. It publishes its operation when it runs; the kernel's side waits for that
     * (blocking here until it is made would cost a thread hand-off per sample, a tenth of the
     * samples).
     */
    public ParkedOperation(Rule rule) {
        this.rule = rule;
        thread = Thread.ofVirtual().start(this::read);
    }

    /** The reading virtual thread. */
    public Thread thread() {
        return thread;
    }

    /** The kernel's side: completes the read with {@link #BYTES} bytes unless the cancel came first. */
    public void kernelCompletesWithBytes() {
        RingOperation w;
        while ((w = op) == null) { // the read is not submitted before the reader has run
            Thread.onSpinWait();
        }
        if (kernel.compareAndSet(IN_FLIGHT, COMPLETED)) {
            written = BYTES;                 // the bytes are in the reader's buffer now
            for (int i = 0; i < reapDelay; i++) {
                Thread.onSpinWait();         // the CQE waits in the ring until the poller reaps it
            }
            w.completeOperation(BYTES);
        }
    }

    /** Waits (bounded) for the reader; returns the state its await returned, or {@link #HUNG}. */
    public int join() {
        return BoundedJoin.ended(thread) ? state : HUNG;
    }

    /** After {@link #join}: what the read returned to its caller, bytes or {@code -ECANCELED}; 0 without a completion. */
    public int delivered() {
        return result;
    }

    /** After {@link #join}: bytes the kernel wrote into the buffer. */
    public int written() {
        return written;
    }

    /** After {@link #join}: true when the reader asked for its operation to be cancelled. */
    public boolean cancelRequested() {
        return cancelRequested;
    }

    private void read() {
        RingOperation w = RingOperation.ofCurrentThread(FD, RingConstants.OP_RECV, 0L, BYTES);
        op = w;
        int s = rule == Rule.COMPLETION_DECIDES
                ? w.awaitCompletion(Completion.NO_TIMEOUT, ignored -> requestCancel())
                : awaitOwnOutcome(w);
        result = s == Completion.READY ? w.result() : 0;
        state = s;
    }

    /**
     * Broken: the readiness rule applied to an operation. Re-read the state; on an interrupt
     * decide INTERRUPTED with the CAS and, having won, ask for the cancel; return the first decided
     * state without waiting for the operation's final completion.
     */
    private int awaitOwnOutcome(RingOperation w) {
        Thread self = Thread.currentThread();
        for (;;) {
            int s = w.state();
            if (s != Completion.PENDING) {
                return s;
            }
            if (self.isInterrupted()) {
                if (w.complete(Completion.INTERRUPTED)) {
                    requestCancel();
                }
                continue;
            }
            LockSupport.park(this);
        }
    }

    /** The reader's cancel (ASYNC_CANCEL): takes effect only while no bytes completed the read. */
    private void requestCancel() {
        cancelRequested = true;
        if (kernel.compareAndSet(IN_FLIGHT, CANCELLED)) {
            op.completeOperation(-Errno.ECANCELED); // the cancelled RECV's CQE
        }
    }
}
