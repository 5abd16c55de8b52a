package io.loomring.poller;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * One thread that owns a kernel object (a ring or an epoll set, the {@link PollerBackend}), a
 * request queue other threads feed, the sleep/wake handshake, and the lifecycle. The thread is a
 * platform thread of its own that also carries virtual threads ({@link CarrierLoop}), or a virtual
 * thread on the JDK's scheduler ({@link SubPollerLoop}).
 *
 * <h2>Request flow</h2>
 * An awaiting thread puts its {@link Await} on an MPSC queue and parks. The poller drains the
 * queue, arms each await in the kernel (batched: many arms share one kernel call), waits, and on
 * each completion decides the await's outcome and unparks it. An await that times out or is
 * interrupted decides its own outcome and is queued once more, so the poller removes its kernel
 * request. Ring operations ({@link RingOperation}, {@link BackgroundOperation}) take the same way
 * into the ring when the backend is an {@link OperationBackend}.
 *
 * <h2>Sleep handshake</h2>
 * Signalling a poller costs a syscall (an eventfd write), so producers signal only a sleeping
 * poller; see {@link WakeupGate}.
 *
 * <h2>Inline requests</h2>
 * A thread already on the poller thread (a thread its carrier carries) skips the queue:
 * {@link #submit} arms or disarms at once (the SQE goes straight into the ring, to be submitted with
 * everything else at the next kernel call) and {@link #cancel} runs inline. A failure there stops
 * the poller as a failure in its loop would.
 *
 * <h2>Termination</h2>
 * On {@link #close()} or when the loop throws, the poller sets {@code terminated}, fails every armed
 * request and every queued one, closes its inbox (which waits out any producer still offering or
 * signalling), drains it, and then releases the kernel resources. A producer refused by the closed
 * inbox fails its own request. Carried threads outlive their carrier: continuations that arrive
 * after termination run on the common {@link ForkJoinPool}, where their awaits fail as closed.
 */
public final class Poller implements Executor {
    private final PollerBackend backend;
    /** The backend when it runs ring operations, else null: checked once, here. */
    private final OperationBackend operations;
    private final WakeupEventFd wakeup;
    private final Inbox inbox;
    private final PollerLoop loop;
    private final RequestDispatcher dispatcher;
    /** {@link #requestCancel}, made once, so an operation allocates no callback. */
    private final Consumer<RingOperation> cancelRequester = this::requestCancel;

    // Volatile: set by one thread (close, the loop, a failing inline request), read by any other.
    private volatile boolean stopRequested;
    private volatile boolean terminated;
    private volatile Throwable failure;

    /** What carried threads run of this poller's work themselves, on the carrier's thread. */
    private final InlineActions inline;

    /**
     * A carrier: a platform thread of its own, which carries virtual threads.
     *
     * @param backend a new backend, for this poller only
     * @param index   this poller's number in its scheduler (names its thread)
     */
    public Poller(PollerBackend backend, int index) {
        this(backend, index, null, null);
    }

    /**
     * A sub-poller when {@code master} is not null (see {@link SubPollerLoop}); its virtual thread is
     * scheduled by {@code subPollerScheduler} instead of the JDK's default scheduler when that is
     * not null (a test seam: an executor whose threads retire within milliseconds).
     */
    @SuppressWarnings("this-escape") // the loops only keep this; the thread starts in start()
    public Poller(PollerBackend backend, int index, Poller master, Executor subPollerScheduler) {
        this.backend = backend;
        this.operations = backend instanceof OperationBackend o ? o : null;
        if (operations != null) {
            operations.runBy(this);
        }
        String name = "loomring-" + backend.name() + (master == null ? "-poller-" : "-subpoller-") + index;
        this.loop = master == null
                ? new CarrierLoop(this, name)
                : new SubPollerLoop(this, name, master, subPollerScheduler);
        this.wakeup = new WakeupEventFd(backend.counters);
        this.inbox = new Inbox(wakeup::signal);
        this.dispatcher = new RequestDispatcher(backend, operations, loop instanceof CarrierLoop c ? c : null);
        this.inline = new InlineActions(backend.counters, () -> stopRequested = true);
    }

    /**
     * The carrier the calling thread runs on (it is the carrier's thread or a virtual thread it
     * carries), or null.
     */
    public static Poller currentCarrier() {
        return CarrierLoop.current();
    }

    // ---------------------------------------------------------------- public face

    /**
     * Opens the backend and starts the poller thread. A carrier's kernel object is created on the
     * carrier's own thread (a ring with SINGLE_ISSUER belongs to the thread that made it), so this
     * waits for that platform thread. A sub-poller's is created here, on the calling thread, and
     * its virtual thread is started without waiting for it to run: the caller may be a virtual
     * thread that pins its platform thread (in a class initializer, for one), and with every
     * platform thread of the JDK's scheduler pinned so, a sub-poller that must run first would
     * never get one.
     *
     * @throws IOException what the backend's open threw (for example io_uring being unavailable)
     */
    public void start() throws IOException {
        if (loop instanceof CarrierLoop carrier) {
            carrier.startAndAwaitOpen();
            return;
        }
        try {
            openKernel();
        } catch (IOException | RuntimeException | Error e) {
            terminated = true;
            inbox.close();
            throw e;
        }
        loop.thread().start();
    }

    /** Counters. */
    public PollerCounters counters() {
        return backend.counters;
    }

    /** True once the poller stopped serving (closed or failed). */
    public boolean isTerminated() {
        return terminated;
    }

    /** Why the poller died, or null if it was closed (or is running). */
    public Throwable failure() {
        return failure;
    }

    /**
     * True when the calling thread runs on this poller's thread right now: the poller thread
     * itself, or a virtual thread it carries. Such a caller may use the poller-thread-only state.
     */
    public boolean isCurrent() {
        return loop.isCurrent();
    }

    /** True while this poller sleeps in the kernel, or is about to, with nothing to do; any thread. */
    boolean isSleeping() {
        return inbox.isOwnerSleeping();
    }

    /** What the scheduler's monitors read of this carrier and steer; null for a sub-poller. */
    public CarrierView carrier() {
        return loop instanceof CarrierLoop c ? c : null;
    }

    /**
     * True while this sub-poller parks on its master: one of the master's armed awaits is then
     * this poller's own, not a user's (stats leave it out).
     */
    public boolean isParkedOnMaster() {
        return loop instanceof SubPollerLoop s && s.isParkedOnMaster();
    }

    /** The poller thread, for diagnostics. */
    public Thread carrierThread() {
        return loop.thread();
    }

    /** True when threads this poller serves can run ring operations. */
    public boolean runsOperations() {
        return operations != null;
    }

    /**
     * Queues a completion: the first time to arm it, after its own timeout or interrupt to disarm
     * it. A thread carried by this poller does so at once, without the queue. If the poller has
     * terminated the completion is decided {@link Completion#CLOSED} here.
     */
    public void submit(Completion c) {
        if (!terminated && isCurrent()) {
            inline.run(() -> dispatcher.handle(c));
            if (terminated) {
                c.complete(Completion.CLOSED);
            }
            return;
        }
        if (!inbox.offer(c) || terminated) {
            c.complete(Completion.CLOSED);
        }
    }

    /**
     * Runs a ring operation for the calling thread and parks it until the operation's final
     * completion (see {@link RingOperation#awaitCompletion}). A thread this carrier carries submits
     * it inline; any other thread hands it over through the inbox, and so its cancel request too.
     *
     * @param timeoutNanos how long to wait before asking for a cancel, or {@link Completion#NO_TIMEOUT}
     * @return the decided state: {@link Completion#READY} with the result, or {@link Completion#CLOSED}
     * @throws IllegalStateException unless the backend runs operations and {@code op} is the
     *                               calling thread's
     */
    public int runOperation(RingOperation op, long timeoutNanos) {
        if (operations == null || op.thread() != Thread.currentThread()) {
            throw new IllegalStateException("ring operations run only on io_uring pollers, for their own thread");
        }
        submit(op);
        return op.awaitCompletion(timeoutNanos, cancelRequester);
    }

    /**
     * Starts a background operation and returns: a thread this carrier carries writes it into the
     * ring inline (submitted at the carrier's next kernel call, or at {@link #flush()}); any other
     * thread hands it over through the inbox.
     *
     * @throws IllegalStateException unless the backend runs operations
     */
    public void startOperation(BackgroundOperation op) {
        if (operations == null) {
            throw new IllegalStateException("background operations run only on io_uring pollers");
        }
        submit(op);
    }

    /**
     * Starts a multishot receive or accept and returns; as {@link #startOperation}. Where the ring
     * refuses its kind it is decided at once, with {@code -EOPNOTSUPP}.
     *
     * @throws IllegalStateException unless the backend runs operations
     */
    public void startMultishot(Multishot op) {
        if (operations == null) {
            throw new IllegalStateException("multishot requests run only on io_uring pollers");
        }
        submit(op);
    }

    /** True while the ring takes multishot receives (io_uring, and the kernel has not refused them). */
    public boolean multishotReceive() {
        return operations != null && operations.multishotReceive();
    }

    /** True while the ring takes multishot accepts (io_uring, and the kernel has not refused them). */
    public boolean multishotAccept() {
        return operations != null && operations.multishotAccept();
    }

    /**
     * For a thread this carrier carries: submits what its ring holds and reaps what has completed,
     * now (one non-blocking kernel call), instead of at the carrier's next round. Other threads
     * cannot reach the ring: for them this does nothing.
     */
    public void flush() {
        if (!terminated && isCurrent()) {
            inline.run(() -> backend.submitAndReap(false));
        }
    }

    /**
     * Wakes every await on {@code fd} with {@link Completion#CANCELLED}, cancels its operations,
     * and removes the kernel requests; returns once the poller has submitted the removals (or has
     * terminated).
     */
    public void cancel(int fd) {
        if (terminated) {
            return;
        }
        if (isCurrent()) {
            inline.run(() -> {
                backend.cancelFd(fd);
                backend.submitAndReap(false); // submit the removals now, as a queued cancel would
            });
            return;
        }
        Request.FdCancel request = new Request.FdCancel(fd);
        if (inbox.offer(request)) {
            request.awaitDone(this);
        }
    }

    /**
     * Empties the registered-file slot {@code file} holds in this carrier's ring (see
     * {@link FixedFile#release}); returns once it is empty, or the poller has terminated (its ring
     * and table are gone). A thread this carrier carries does so at once; any other waits for the
     * carrier.
     */
    void releaseFile(FixedFile file) {
        if (terminated) {
            return;
        }
        if (isCurrent()) {
            inline.run(() -> operations.releaseFile(file));
            return;
        }
        Request.FileRelease request = new Request.FileRelease(file);
        if (inbox.offer(request)) {
            request.awaitDone(this);
        }
    }

    /**
     * The JDK's call with a carried thread's continuation (on start, unpark and yield): a plain push
     * onto the run queue from the poller thread (or a thread it carries), a hand-off through the
     * inbox from any other thread. After termination the continuation runs on the common pool.
     */
    @Override
    public void execute(Runnable continuation) {
        if (!(loop instanceof CarrierLoop carrier)) {
            throw new UnsupportedOperationException("a sub-poller carries no threads");
        }
        if (terminated) {
            orphan(continuation);
        } else if (isCurrent()) {
            carrier.enqueueOrSendStart(continuation);
        } else if (!inbox.offer(new Request.Continuation(continuation))) {
            orphan(continuation);
        }
    }

    /** Stops the poller and waits for its thread to end. Idempotent. */
    public void close() {
        stopRequested = true;
        inbox.wake();
        if (!isCurrent()) {
            Threads.joinUninterruptibly(loop.thread());
        }
    }

    // ---------------------------------------------------------------- for the loops

    boolean isCarrier() {
        return loop instanceof CarrierLoop;
    }

    PollerBackend kernel() {
        return backend;
    }

    Inbox inbox() {
        return inbox;
    }

    RequestDispatcher dispatcher() {
        return dispatcher;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** The poller thread's body: open (a carrier), loop, and terminate however the loop ends. */
    void run() {
        if (loop instanceof CarrierLoop carrier) {
            try {
                openKernel();
            } catch (Throwable t) {
                terminated = true;
                inbox.close();
                carrier.failedToOpen(t);
                return;
            }
            carrier.opened();
        }
        Throwable cause = null;
        try {
            loop.loop();
        } catch (Throwable t) {
            cause = t;
        } finally {
            terminate(cause);
        }
    }

    /** For the carrier's loop: the inline actions' overlaps and failures. */
    InlineActions inline() {
        return inline;
    }

    /** Runs {@code task} on the common pool: a continuation whose carrier has terminated. */
    static void orphan(Runnable task) {
        ForkJoinPool.commonPool().execute(task);
    }

    // ---------------------------------------------------------------- internals

    /** The waiting thread asks for its operation to be cancelled; its final completion decides. */
    private void requestCancel(RingOperation op) {
        if (terminated) {
            return; // termination cancels and reaps every operation itself
        }
        if (isCurrent()) {
            inline.run(() -> dispatcher.cancel(op));
        } else {
            inbox.offer(new Request.OperationCancel(op)); // refused only once closing, which cancels it too
        }
    }


    /** Creates the wakeup eventfd and the backend's kernel object; undoes both if that fails. */
    private void openKernel() throws IOException {
        int fd = wakeup.open();
        try {
            backend.open(fd, loop instanceof SubPollerLoop);
        } catch (IOException | RuntimeException | Error t) {
            try {
                backend.close(); // what open created before it failed (a ring, mappings, an epoll fd)
            } catch (RuntimeException | Error c) {
                t.addSuppressed(c);
            }
            wakeup.close();
            throw t;
        }
    }

    private void terminate(Throwable cause) {
        failure = cause;
        terminated = true;
        dispatcher.terminate(inbox);
        try {
            backend.close();
        } finally {
            wakeup.close();
        }
    }
}
