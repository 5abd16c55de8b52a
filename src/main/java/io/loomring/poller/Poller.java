package io.loomring.poller;

import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What every backend shares: one thread that owns the kernel object (a ring or an epoll set), a
 * request queue other threads feed, the sleep/wake handshake, and the lifecycle. The thread is a
 * platform thread of its own (a carrier) or a virtual thread (a sub-poller), see below.
 *
 * <h2>Request flow</h2>
 * An awaiting thread puts its {@link Waiter} on an MPSC queue and parks. The poller drains the
 * queue, arms each waiter in the kernel (batched: many arms share one kernel call), waits, and on
 * each completion decides the waiter's outcome and unparks it. A waiter that times out or is
 * interrupted decides its own outcome and is queued once more, so the poller removes its kernel
 * request.
 *
 * <h2>Sleep handshake</h2>
 * Signalling a poller costs a syscall (an eventfd write), so producers signal only a sleeping
 * poller; see {@link WakeupGate}.
 *
 * <h2>Carrying virtual threads</h2>
 * A poller is also a <em>carrier</em>: virtual threads whose scheduler it is (built with
 * {@link VirtualThreads#builder}) run on the poller thread itself, between kernel calls. The loop runs a
 * bounded batch of them, submits and reaps without blocking while more are ready, and sleeps in the
 * kernel only when idle. A carried thread is on the poller thread, so its requests skip the queue:
 * {@link #submit} arms or disarms at once (the SQE goes straight into the ring, to be submitted with
 * everything else at the next kernel call) and {@link #cancel} runs inline. A completion makes its
 * thread runnable with a plain push onto the local run queue. Other threads hand continuations over
 * through the {@link Inbox}.
 *
 * <h2>Sub-pollers</h2>
 * A poller built with a {@code master} is a <em>sub-poller</em> instead: its loop runs on a virtual
 * thread of the JDK's default scheduler, for awaits from ordinary virtual threads (those the
 * application or a framework made). It never blocks in the kernel: while rounds reap completions
 * it yields between them, so the threads it woke run on the same platform thread right away and
 * their next awaits are armed by its next round, all without a syscall of their own; once its rounds have found
 * nothing for a short while it parks on the master (a carrier) until its own kernel fd (ring or
 * epoll set) is readable. It carries no threads. This is the JDK's own scheme for its read pollers,
 * with arms batched into the sub-poller's kernel calls instead of one {@code epoll_ctl} per await,
 * and, on io_uring, ring operations (RECV, SEND) for the threads it serves.
 *
 * <h2>Termination</h2>
 * On {@link #close()} or when the loop throws, the poller sets {@code terminated}, fails every armed
 * waiter and every queued one, closes its inbox (which waits out any producer still offering or
 * signalling), drains it, and then releases the kernel resources. A producer refused by the closed
 * inbox fails its own waiter. Carried threads outlive their carrier: continuations that arrive
 * after termination run on the common {@link ForkJoinPool}, where their awaits fail as closed.
 */
public abstract class Poller implements Executor {
    /** Eight bytes holding 1: what a signal writes to the eventfd. Shared by all pollers, never freed. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);
    /**
     * How long a sub-poller keeps polling (yielding between rounds) after its last useful round
     * before it parks on its master. A thread it just woke often runs on another platform thread
     * and hands its next await over a few microseconds later; parking at once would make that
     * hand-off cost an eventfd write and a trip through the master (measured on the ping-pong:
     * 0.47 wakeup signals per round trip without the spin, 0.02-0.04 with it).
     */
    private static final long IDLE_SPIN_NANOS = 50_000;
    /** poll(2) event: readable (a sub-poller awaits its kernel fd on the master for it). */
    private static final int POLLIN = 0x001;
    /** Carried continuations run per loop round before the kernel is asked again (fairness to I/O). */
    private static final int RUN_BATCH = 128;
    private static final VarHandle RUNNING;
    private static final VarHandle ROUNDS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RUNNING = lookup.findVarHandle(Poller.class, "running", boolean.class);
            ROUNDS = lookup.findVarHandle(Poller.class, "rounds", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Counters shown by {@code IoScheduler.stats()}. */
    protected final PollerCounters counters = new PollerCounters();
    private final Inbox inbox = new Inbox(this::signal);
    private final Thread thread;
    /** The carrier a sub-poller parks on when idle; null for a carrier. */
    private final Poller master;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final List<CancelRequest> pendingCancels = new ArrayList<>();
    /** {@link #requestCancel}, made once. */
    private final Consumer<Waiter> cancelRequester = this::requestCancel;
    /** Carried continuations ready to run; poller thread only. */
    private final ArrayDeque<Runnable> runQueue = new ArrayDeque<>();

    private volatile boolean stopRequested;
    /** A sub-poller's await on its master is armed, or about to be (not a user's await, in stats). */
    private volatile boolean parkedOnMaster;
    private volatile boolean terminated;
    private volatile Throwable failure;
    /** Poller thread only: the waiter being armed, so a failing arm cannot strand it. */
    private Waiter arming;
    /** A failure of a request run inline by a carried thread; the loop rethrows it. */
    private Throwable inlineFailure;
    /** The eventfd that wakes the poller; created on the poller thread, closed by it. */
    private volatile int wakeFd = -1;
    /** A carried continuation runs now (opaque; for the stall monitor). */
    @SuppressWarnings("unused")
    private boolean running;
    /** Loop rounds so far (opaque): a stall monitor sees a carrier that stopped coming back. */
    @SuppressWarnings("unused")
    private long rounds;

    /** A request to cancel every await on one fd; the caller parks until the poller is done. */
    private static final class CancelRequest {
        final int fd;
        final Thread caller = Thread.currentThread();
        volatile boolean done;

        CancelRequest(int fd) {
            this.fd = fd;
        }

        void finish() {
            done = true;
            LockSupport.unpark(caller);
        }
    }

    /** A carrier. @param threadName name of the poller thread */
    protected Poller(String threadName) {
        this(threadName, null);
    }

    /**
     * @param threadName name of the poller thread
     * @param master     null for a carrier (a platform thread of its own); else this is a
     *                   sub-poller, a virtual thread on the JDK's scheduler that parks on
     *                   {@code master} when idle
     */
    protected Poller(String threadName, Poller master) {
        this(threadName, master, null);
    }

    /**
     * As {@link #Poller(String, Poller)}, with a sub-poller's virtual thread scheduled by
     * {@code subPollerScheduler} instead of the JDK's default scheduler when that is not null (a
     * test seam: an executor whose threads retire within milliseconds, where the JDK's retire
     * after 30 s).
     */
    @SuppressWarnings("this-escape") // the thread is only started by start(), after construction
    protected Poller(String threadName, Poller master, Executor subPollerScheduler) {
        if (master != null && master.isSubPoller()) {
            throw new IllegalArgumentException("a sub-poller's master must be a carrier");
        }
        this.master = master;
        if (master == null) {
            this.thread = new CarrierThread(this, threadName);
        } else if (subPollerScheduler == null) {
            this.thread = VirtualThreads.unstartedOnDefaultScheduler(threadName, this::run);
        } else {
            this.thread = VirtualThreads.builder(subPollerScheduler).name(threadName).unstarted(this::run);
        }
    }

    /** A carrier's platform thread; it knows its poller, so a caller finds its carrier in one step. */
    private static final class CarrierThread extends Thread {
        final Poller poller;

        CarrierThread(Poller poller, String name) {
            super(poller::run, name);
            this.poller = poller;
            setDaemon(true);
        }
    }

    /**
     * The carrier the calling thread runs on (it is the carrier's thread or a virtual thread it
     * carries), or null: one intrinsic call and a type check, since ordinary threads ask this on
     * every socket call.
     */
    public static Poller currentCarrier() {
        return VirtualThreads.currentCarrier() instanceof CarrierThread c ? c.poller : null;
    }

    // ---------------------------------------------------------------- backend hooks (poller thread)

    /**
     * Creates the kernel object: a carrier's on its own thread before its loop, a sub-poller's on
     * the thread that {@linkplain #start starts} it. Throw to refuse to start.
     */
    protected abstract void open(int wakeFd) throws IOException;

    /** Arms a pending waiter in the kernel (queued, submitted at the next {@link #pollKernel}). */
    protected abstract void arm(Waiter w) throws IOException;

    /** Removes the kernel request of an armed waiter whose outcome was decided elsewhere. */
    protected abstract void disarm(Waiter w) throws IOException;

    /** Cancels every armed waiter on {@code fd} ({@link Waiter#CANCELLED}) and removes its requests. */
    protected abstract void cancelFd(int fd) throws IOException;

    /**
     * Submits what was queued and dispatches completions; with {@code block}, first waits until at
     * least one completion (a wakeup signal counts) is there.
     */
    protected abstract void pollKernel(boolean block) throws IOException;

    /** True when the backend runs {@linkplain Waiter#operation ring operations} (io_uring). */
    protected boolean supportsOperations() {
        return false;
    }

    /**
     * Asks the kernel to cancel an armed operation; its final completion decides it. Only for
     * backends that {@linkplain #supportsOperations support operations}.
     */
    protected void cancelOperation(Waiter w) throws IOException {
        throw new UnsupportedOperationException("this backend runs no ring operations");
    }

    /** Decides {@code outcome} for every armed waiter and forgets them all. */
    protected abstract void releaseAll(int outcome);

    /**
     * Releases the kernel object. Poller thread, once: after {@link #releaseAll}, or after
     * {@link #open} threw (then only what open had created, any field still unset).
     */
    protected abstract void closeKernel();

    /**
     * The fd that polls readable when {@link #pollKernel pollKernel(false)} has something to reap
     * (the ring, the epoll set): what a sub-poller awaits on its master. Poller thread, after open.
     */
    protected abstract int kernelFd();

    /** True for a sub-poller: driven by a virtual thread that moves between platform threads. */
    protected final boolean isSubPoller() {
        return master != null;
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
     * @throws IOException what {@link #open} threw (for example io_uring being unavailable)
     */
    public final void start() throws IOException {
        if (isSubPoller()) {
            try {
                openKernel();
            } catch (IOException | RuntimeException | Error e) {
                terminated = true;
                inbox.close();
                throw e;
            }
            thread.start();
            return;
        }
        thread.start();
        try {
            started.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("poller failed to start", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the poller", e);
        }
    }

    /** Counters. */
    public final PollerCounters counters() {
        return counters;
    }

    /** True once the poller stopped serving (closed or failed). */
    public final boolean isTerminated() {
        return terminated;
    }

    /** Why the poller died, or null if it was closed (or is running). */
    public final Throwable failure() {
        return failure;
    }

    /**
     * True when the calling thread runs on this poller's thread right now: the poller thread
     * itself, or a virtual thread it carries. Such a caller may use the poller-thread-only state.
     */
    public final boolean isCurrent() {
        return master == null ? VirtualThreads.currentCarrier() == thread : Thread.currentThread() == thread;
    }

    /** True while a carried continuation runs (for the stall monitor). */
    public final boolean isRunningCarried() {
        return (boolean) RUNNING.getOpaque(this);
    }

    /** Loop rounds so far: a carrier whose count stands still while a thread is mounted is stalled. */
    public final long rounds() {
        return (long) ROUNDS.getOpaque(this);
    }

    /**
     * True while this sub-poller parks on its master: one of the master's armed awaits is then
     * this poller's own, not a user's (stats leave it out).
     */
    public final boolean isParkedOnMaster() {
        return parkedOnMaster;
    }

    /** The poller (carrier) platform thread, for diagnostics. */
    public final Thread carrierThread() {
        return thread;
    }

    /**
     * Queues a waiter: the first time to arm it, after its own timeout or interrupt to disarm it.
     * A thread carried by this poller does so at once, without the queue. If the poller has
     * terminated the waiter is failed with {@link Waiter#CLOSED} here.
     */
    public final void submit(Waiter w) {
        if (!terminated && isCurrent()) {
            try {
                handle(w);
            } catch (Throwable t) {
                failInline(t);
            }
            if (terminated) {
                w.complete(Waiter.CLOSED);
            }
            return;
        }
        if (!inbox.offer(w) || terminated) {
            w.complete(Waiter.CLOSED);
        }
    }

    /** True when threads this poller carries can run {@linkplain Waiter#operation ring operations}. */
    public final boolean runsOperations() {
        return supportsOperations();
    }

    /**
     * Runs a ring operation for the calling thread and parks it until the operation's final
     * completion (see {@link Waiter#awaitCompletion}). A thread this carrier carries submits it
     * inline; any other thread hands it over through the inbox, and so its cancel request too.
     *
     * @return the decided state: {@link Waiter#READY} with the result, or {@link Waiter#CLOSED}
     * @throws IllegalStateException unless the backend runs operations and {@code op} is the
     *                               calling thread's
     */
    public final int runOperation(Waiter op, long timeoutNanos) {
        if (!supportsOperations() || op.thread() != Thread.currentThread()) {
            throw new IllegalStateException("ring operations run only on io_uring pollers, for their own thread");
        }
        submit(op);
        return op.awaitCompletion(timeoutNanos, cancelRequester);
    }

    /**
     * Starts a {@linkplain Waiter#background background} operation and returns: a thread this
     * carrier carries writes it into the ring inline (submitted at the carrier's next kernel call,
     * or at {@link #flush()}); any other thread hands it over through the inbox.
     *
     * @throws IllegalStateException unless the backend runs operations and {@code op} is a
     *                               background one
     */
    public final void startOperation(Waiter op) {
        if (!supportsOperations() || !op.isBackground()) {
            throw new IllegalStateException("background operations run only on io_uring pollers");
        }
        submit(op);
    }

    /**
     * For a thread this carrier carries: submits what its ring holds and reaps what has completed,
     * now (one non-blocking kernel call), instead of at the carrier's next round. Other threads
     * cannot reach the ring: for them this does nothing.
     */
    public final void flush() {
        if (!terminated && isCurrent()) {
            runInline(() -> pollKernel(false));
        }
    }

    /**
     * The waiting thread asks for its operation to be cancelled; its final completion decides.
     * (Passed as {@link #cancelRequester}, made once, so an operation allocates no callback.)
     */
    private void requestCancel(Waiter op) {
        if (terminated) {
            return; // termination cancels and reaps every operation itself
        }
        if (isCurrent()) {
            runInline(() -> cancelOperation(op));
        } else {
            inbox.offer(new OperationCancel(op)); // refused only once closing, which cancels it too
        }
    }

    /** A cancel request for a ring operation, handed over by the operation's own thread. */
    private record OperationCancel(Waiter op) {}

    /**
     * Wakes every await on {@code fd} with {@link Waiter#CANCELLED} and removes the kernel requests;
     * returns once the poller has submitted the removals (or has terminated).
     */
    public final void cancel(int fd) {
        if (terminated) {
            return;
        }
        if (isCurrent()) {
            runInline(() -> {
                cancelFd(fd);
                pollKernel(false); // submit the removals now, as a queued cancel would
            });
            return;
        }
        CancelRequest request = new CancelRequest(fd);
        if (!inbox.offer(request)) {
            return;
        }
        boolean interrupted = false;
        while (!request.done && !terminated) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The JDK's call with a carried thread's continuation (on start, unpark and yield): a plain push
     * onto the run queue from the poller thread (or a thread it carries), a hand-off through the
     * inbox from any other thread. After termination the continuation runs on the common pool.
     */
    @Override
    public final void execute(Runnable continuation) {
        if (master != null) {
            throw new UnsupportedOperationException("a sub-poller carries no threads");
        }
        if (terminated) {
            orphan(continuation);
        } else if (isCurrent()) {
            runQueue.addLast(continuation);
        } else if (!inbox.offer(new Continuation(continuation))) {
            orphan(continuation);
        }
    }

    /** A continuation handed over by another thread (marks it apart from the other requests). */
    private record Continuation(Runnable task) {}

    /** Stops the poller and waits for its thread to end. Idempotent. */
    public final void close() {
        stopRequested = true;
        inbox.wake();
        if (!isCurrent()) {
            Threads.joinUninterruptibly(thread);
        }
    }

    // ---------------------------------------------------------------- for backends

    /** Decides a waiter's outcome from a completion result: ready, or failed with {@code -res}. */
    protected final void completeFromResult(Waiter w, int res) {
        if (res < 0) {
            w.fail(-res);
        } else {
            w.complete(Waiter.READY);
        }
    }

    // ---------------------------------------------------------------- the loop

    /** Creates the wakeup eventfd and the backend's kernel object; undoes both if that fails. */
    private void openKernel() throws IOException {
        MemorySegment capture = Native.threadCaptureState();
        int fd = LibC.eventfd(capture, 0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (fd < 0) {
            throw new IOException("eventfd failed: " + Errno.describe(-fd));
        }
        wakeFd = fd;
        try {
            open(fd);
        } catch (IOException | RuntimeException | Error t) {
            try {
                closeKernel(); // what open created before it failed (a ring, mappings, an epoll fd)
            } catch (RuntimeException | Error c) {
                t.addSuppressed(c);
            }
            LibC.close(capture, fd);
            wakeFd = -1;
            throw t;
        }
    }

    private void run() {
        if (master == null) {
            try {
                openKernel();
            } catch (Throwable t) {
                terminated = true;
                inbox.close();
                started.completeExceptionally(t);
                return;
            }
            started.complete(null);
        }
        Throwable cause = null;
        try {
            if (master == null) {
                loop();
            } else {
                subPollerLoop();
            }
        } catch (Throwable t) {
            cause = t;
        } finally {
            terminate(cause);
        }
    }

    private void loop() throws Throwable {
        while (!stopRequested) {
            ROUNDS.setOpaque(this, rounds + 1);
            drainRequests();
            if (!pendingCancels.isEmpty()) {
                pollKernel(false);
                finishCancels();
                continue;
            }
            runCarried();
            if (inlineFailure != null) {
                throw inlineFailure;
            }
            if (!runQueue.isEmpty()) {
                pollKernel(false);
                continue;
            }
            inbox.prepareToSleep();
            if (!inbox.isEmpty() || stopRequested) {
                inbox.awake();
                pollKernel(false);
                continue;
            }
            pollKernel(true);
            inbox.awake();
        }
    }

    /**
     * A sub-poller's loop (see the class comment): arm what came in, submit and reap without
     * blocking, yield after every round, and park on the master once rounds have found nothing for
     * {@link #IDLE_SPIN_NANOS}. The inbox's sleep handshake covers the park: a request that comes in
     * meanwhile signals the eventfd, which makes the kernel fd readable, which wakes this thread
     * through the master (a oneshot poll is level-checked when armed, so a signal sent before the
     * master armed it still counts; see the jcstress test {@code SubPollerParkTest}).
     */
    private void subPollerLoop() throws Throwable {
        long idleSince = 0;
        while (!stopRequested) {
            ROUNDS.setOpaque(this, rounds + 1);
            boolean requests = drainRequests();
            long reaped = counters.get(PollerCounters.COMPLETIONS);
            pollKernel(false);
            if (!pendingCancels.isEmpty()) {
                finishCancels(); // pollKernel submitted their removals
            }
            if (requests || counters.get(PollerCounters.COMPLETIONS) != reaped) {
                idleSince = 0;
                Thread.yield(); // the woken threads run first, on this platform thread
                continue;
            }
            long now = System.nanoTime();
            if (idleSince == 0) {
                idleSince = now;
            }
            if (now - idleSince < IDLE_SPIN_NANOS) {
                Thread.yield();
                continue;
            }
            idleSince = 0;
            inbox.prepareToSleep();
            if (!inbox.isEmpty() || stopRequested) {
                inbox.awake();
                continue;
            }
            boolean masterServes = parkOnMaster();
            inbox.awake();
            if (!masterServes) {
                return; // the carriers stopped, so has the scheduler
            }
        }
    }

    /**
     * Parks this sub-poller until its kernel fd is readable, awaiting it on the master.
     *
     * @return false when the master no longer serves (it is closed)
     */
    private boolean parkOnMaster() throws IOException {
        Waiter w = new Waiter(thread, kernelFd(), POLLIN);
        parkedOnMaster = true;
        master.submit(w);
        int outcome = w.awaitOutcome(-1, () -> master.submit(w));
        parkedOnMaster = false;
        return switch (outcome) {
            case Waiter.CLOSED -> false;
            case Waiter.FAILED -> throw new IOException("the master cannot poll this sub-poller's kernel fd: "
                    + Errno.describe(w.errno()));
            default -> {
                Thread.interrupted(); // nobody interrupts a sub-poller; were it done, it must not spin
                yield true; // READY (CANCELLED or INTERRUPTED only ever come spuriously): poll again
            }
        };
    }

    /** Runs up to a batch of carried continuations; each runs until its thread parks or ends. */
    private void runCarried() {
        for (int i = 0; i < RUN_BATCH; i++) {
            Runnable task = runQueue.pollFirst();
            if (task == null) {
                return;
            }
            RUNNING.setOpaque(this, true);
            try {
                task.run();
            } finally {
                RUNNING.setOpaque(this, false);
            }
        }
    }

    /** Takes in what other threads handed over; true when there was anything. */
    private boolean drainRequests() throws IOException {
        Object r;
        boolean any = false;
        while ((r = inbox.poll()) != null) {
            any = true;
            if (r instanceof Continuation c) {
                runQueue.addLast(c.task());
            } else if (r instanceof Waiter w) {
                handle(w);
            } else if (r instanceof OperationCancel c) {
                cancelOperation(c.op()); // after the operation's own arm: one producer's requests keep their order
            } else {
                CancelRequest c = (CancelRequest) r;
                pendingCancels.add(c); // first: if cancelFd throws, terminate() still releases the caller
                cancelFd(c.fd);
            }
        }
        return any;
    }

    /** Arms a new waiter, or disarms one whose outcome was decided by its own thread. */
    private void handle(Waiter w) throws IOException {
        if (w.slot == Waiter.NOT_ARMED) {
            if (w.isPending()) {
                // Off the queue and maybe not yet in the backend's tables: if arm throws,
                // terminate() must still find it.
                arming = w;
                arm(w);
                arming = null;
            } else {
                w.slot = Waiter.RELEASED;
            }
        } else if (w.slot >= 0 && !w.isPending()) {
            disarm(w);
        }
    }

    /** A poller-thread action run by a carried thread; a failure stops the poller as in the loop. */
    private void runInline(KernelAction action) {
        try {
            action.run();
        } catch (Throwable t) {
            failInline(t);
        }
    }

    /** A request run inline failed: the loop rethrows it when the carried thread yields. */
    private void failInline(Throwable t) {
        if (inlineFailure == null) {
            inlineFailure = t;
        }
        stopRequested = true;
    }

    @FunctionalInterface
    private interface KernelAction {
        void run() throws IOException;
    }

    private void finishCancels() {
        for (CancelRequest c : pendingCancels) {
            c.finish();
        }
        pendingCancels.clear();
    }

    /** Writes the eventfd; the inbox runs this only while it is open, so the fd is never closed under it. */
    private void signal() {
        counters.addShared(PollerCounters.WAKEUPS, 1);
        int fd = wakeFd;
        if (fd >= 0) {
            LibC.write(Native.threadCaptureState(), fd, ONE, 8);
        }
    }

    private static void orphan(Runnable task) {
        ForkJoinPool.commonPool().execute(task);
    }

    private void terminate(Throwable cause) {
        failure = cause;
        terminated = true;
        releaseAll(Waiter.CLOSED);
        if (arming != null) {
            arming.complete(Waiter.CLOSED);
            arming = null;
        }
        inbox.close();
        Object r;
        while ((r = inbox.poll()) != null) {
            if (r instanceof Continuation c) {
                orphan(c.task());
            } else if (r instanceof Waiter w) {
                w.complete(Waiter.CLOSED);
            } else if (r instanceof OperationCancel) {
                // its operation was armed before it and is decided by releaseAll
            } else {
                ((CancelRequest) r).finish();
            }
        }
        finishCancels();
        Runnable task;
        while ((task = runQueue.pollFirst()) != null) {
            orphan(task);
        }
        try {
            closeKernel();
        } finally {
            LibC.close(Native.threadCaptureState(), wakeFd);
            wakeFd = -1;
        }
    }
}
