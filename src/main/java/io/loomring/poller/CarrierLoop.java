package io.loomring.poller;

import io.loomring.ffm.ThreadClocks;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A carrier: a platform thread of its own that owns the kernel object and is also the scheduler of
 * virtual threads (built with {@link VirtualThreads#builder}). They run on the poller thread itself,
 * between kernel calls: each round runs a bounded batch of them, submits and reaps without blocking
 * while more are ready, and sleeps in the kernel only when idle. A completion makes its thread
 * runnable with a plain push onto the local run queue; other threads hand continuations over
 * through the {@link Inbox}.
 */
final class CarrierLoop extends PollerLoop implements CarrierView {
    /** Carried continuations run per round before the kernel is asked again (fairness to I/O). */
    private static final int RUN_BATCH = 128;
    private static final VarHandle RUNNING;
    private static final VarHandle BUSY;

    static {
        try {
            RUNNING = MethodHandles.lookup().findVarHandle(CarrierLoop.class, "running", Runnable.class);
            BUSY = MethodHandles.lookup().findVarHandle(CarrierLoop.class, "busyNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CarrierThread thread;
    /** Where threads started here go while the balancer says so ({@link #sendStartsTo}), or null. */
    private volatile Poller startsGoTo;
    /** Alternates the starts sent away; poller thread only. */
    private boolean sendNextStart;
    /** The group's other carriers, where a start goes while one sleeps ({@link #shareStartsWith}); null: none. */
    private volatile Poller[] peers;
    /** The threads whose carrier was chosen for them, which stay where they were placed. */
    private volatile Predicate<Thread> placed;
    /** The peer the next start looks at; poller thread only. */
    private int nextPeer;
    /** Carried continuations ready to run; poller thread only. */
    private final ArrayDeque<Runnable> runQueue = new ArrayDeque<>();
    /** Completed by the carrier thread once its backend is open (or failed to open). */
    private final CompletableFuture<Void> open = new CompletableFuture<>();
    /**
     * The carried continuation running now, or null (for the stall monitor and the balancer, and
     * for this thread: a start comes from a running carried thread).
     */
    private Runnable running;
    /** Time spent running carried continuations, in nanoseconds (the balancer compares carriers). */
    @SuppressWarnings("unused")
    private long busyNanos;
    /** The carrier thread's kernel id, set once it runs (the balancer reads its CPU clock); 0 before. */
    private volatile int tid;
    /** The deadlines of carried threads' timed waits. */
    private final CarrierTimers timers;

    CarrierLoop(Poller poller, String threadName) {
        super(poller);
        this.thread = new CarrierThread(this, threadName);
        this.timers = new CarrierTimers(poller.counters(), System::nanoTime);
    }

    /** A carrier's platform thread; it knows its loop, so a caller finds its carrier in one step. */
    private static final class CarrierThread extends Thread {
        final CarrierLoop loop;

        CarrierThread(CarrierLoop loop, String name) {
            super(loop.poller::run, name);
            this.loop = loop;
            setDaemon(true);
        }
    }

    /**
     * Parks the calling thread until it is unparked or {@code deadline} ({@link System#nanoTime})
     * passes, possibly spuriously: a carried thread through its carrier's timers, any other as
     * {@link LockSupport#parkNanos} does for {@code remaining}, the caller's own reading of what
     * is left until the deadline (so the clock is read once).
     */
    static void parkUntil(Object blocker, long deadline, long remaining) {
        Thread self = Thread.currentThread();
        if (self.isVirtual() && VirtualThreads.currentCarrier() instanceof CarrierThread c) {
            c.loop.timers.parkUntil(blocker, deadline);
        } else {
            LockSupport.parkNanos(blocker, remaining);
        }
    }

    /** See {@link CarrierTimers#wakeOverdue}; any thread. */
    @Override
    public void wakeOverdueTimers() {
        timers.wakeOverdue(System.nanoTime());
    }

    /**
     * The carrier the calling thread runs on, or null: one intrinsic call and a type check, since
     * ordinary threads ask this on every socket call.
     */
    static Poller current() {
        return VirtualThreads.currentCarrier() instanceof CarrierThread c ? c.loop.poller : null;
    }

    /**
     * Starts the carrier thread, which opens the backend before its loop (a ring with SINGLE_ISSUER
     * belongs to the thread that made it), and waits until it has.
     *
     * @throws IOException what opening threw
     */
    void startAndAwaitOpen() throws IOException {
        thread.start();
        try {
            open.get();
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

    /** The carrier thread opened the backend; its loop follows. */
    void opened() {
        try {
            tid = ThreadClocks.currentTid();
        } catch (LinkageError | RuntimeException e) {
            tid = 0; // no CPU clock: the balancer judges long runs by the wall clock alone
        }
        open.complete(null);
    }

    /** The carrier thread could not open the backend; it ends. */
    void failedToOpen(Throwable t) {
        open.completeExceptionally(t);
    }

    @Override
    Thread thread() {
        return thread;
    }

    @Override
    boolean isCurrent() {
        return VirtualThreads.currentCarrier() == thread;
    }

    /** True while a carried continuation runs; any thread (opaque: a monitoring read). */
    @Override
    public boolean isRunningCarried() {
        return RUNNING.getOpaque(this) != null;
    }

    /** The carried continuation running now, or null; any thread (opaque: a monitoring read). */
    @Override
    public Runnable runningContinuation() {
        return (Runnable) RUNNING.getOpaque(this);
    }

    /** Nanoseconds spent running carried continuations so far; any thread (a monitoring read). */
    @Override
    public long busyNanos() {
        return (long) BUSY.getOpaque(this);
    }

    /** The carrier thread's kernel id once it runs, 0 before; any thread. */
    @Override
    public int tid() {
        return tid;
    }

    /** Makes a continuation runnable; poller thread (or a thread it carries) only. */
    void enqueue(Runnable continuation) {
        runQueue.addLast(continuation);
    }

    /** See {@link CarrierView#sendStartsTo}; any thread. */
    @Override
    public void sendStartsTo(Poller other) {
        startsGoTo = other == poller ? null : other;
    }

    /** See {@link CarrierView#shareStartsWith}; any thread, before or while the loop runs. */
    @Override
    public void shareStartsWith(Poller[] others, Predicate<Thread> placed) {
        this.placed = placed;
        peers = others.length == 0 ? null : others.clone();
    }

    /**
     * Makes a continuation runnable here, except a thread's start that another carrier can run
     * sooner: every other start while the balancer sends starts elsewhere, and the start of a
     * thread that inherited this carrier while others are queued here and a peer sleeps. That
     * thread then starts there (its scheduler set before it runs). Poller thread (or a thread it
     * carries) only.
     */
    void enqueueOrSendStart(Runnable continuation) {
        Poller to = startsGoTo;
        if (to != null && (sendNextStart = !sendNextStart) && sendStart(continuation, to, null)) {
            return;
        }
        // Only a running carried thread starts threads; the loop's own submissions (wakeups by
        // completions) skip the look at a peer, a read of a line the peer's loop writes. A start
        // with nothing queued ahead waits only for its starter to park, mostly sooner than a
        // sleeping peer wakes: at light load, waking one per start cost a third more CPU per request.
        if (running != null && !runQueue.isEmpty() && (to = sleepingPeer()) != null
                && sendStart(continuation, to, placed)) {
            return;
        }
        runQueue.addLast(continuation);
    }

    /**
     * A peer asleep in the kernel with nothing to run, or null; one peer looked at per call, in turn.
     * A start waits here until the thread that starts it parks (it runs on this carrier now) and
     * the threads queued ahead of it have run; a sleeping peer runs it at once, for the price of
     * its wakeup. The JDK's scheduler gets the same from work stealing, which carriers do not do
     * (a parked thread's completions arrive in its own carrier's ring), but a thread not started
     * yet owns nothing of any ring.
     */
    private Poller sleepingPeer() {
        Poller[] p = peers;
        if (p == null) {
            return null;
        }
        int i = nextPeer;
        nextPeer = i + 1 == p.length ? 0 : i + 1;
        return p[i].isSleeping() ? p[i] : null;
    }

    /**
     * Starts {@code continuation}'s thread on {@code to} if it is a start (and not one of
     * {@code keep}'s, where given); false when it stays here.
     */
    private boolean sendStart(Runnable continuation, Poller to, Predicate<Thread> keep) {
        Thread starting = VirtualThreads.startingThread(continuation);
        if (starting == null || (keep != null && keep.test(starting))) {
            return false;
        }
        VirtualThreads.rescheduleStarting(starting, to);
        poller.counters().add(PollerCounters.STARTS_SENT, 1);
        to.execute(continuation); // not its thread: through its inbox, which wakes it
        return true;
    }

    /**
     * Termination: the threads waiting out a timeout here are woken, and they and the
     * continuations still queued run on the common pool.
     */
    void orphanRunQueue() {
        timers.wakeAll();
        Runnable task;
        while ((task = runQueue.pollFirst()) != null) {
            Poller.orphan(task);
        }
    }

    @Override
    void loop() throws Throwable {
        PollerBackend backend = poller.kernel();
        RequestDispatcher requests = poller.dispatcher();
        Inbox inbox = poller.inbox();
        while (!poller.stopRequested()) {
            countRound();
            if (!timers.isEmpty()) {
                timers.expire(System.nanoTime());
            }
            requests.drain(inbox);
            if (requests.hasPendingCancels()) {
                backend.submitAndReap(false);
                requests.finishCancels();
                continue;
            }
            runCarried();
            poller.inline().checkNoneOpen();
            poller.inline().rethrowFailure();
            if (!runQueue.isEmpty()) {
                backend.submitAndReap(false);
                continue;
            }
            inbox.prepareToSleep();
            if (!inbox.isEmpty() || poller.stopRequested()) {
                inbox.awake();
                backend.submitAndReap(false);
                continue;
            }
            if (timers.isEmpty()) {
                backend.submitAndReap(true);
            } else {
                long wait = timers.nextKey() - System.nanoTime();
                if (wait <= 0) {
                    // A deadline passed while the batch ran: its threads run before the completions
                    // that came meanwhile are reaped, as threads handed over in the inbox would.
                    inbox.awake();
                    continue;
                }
                backend.submitAndReapWithin(wait);
            }
            inbox.awake();
        }
    }

    /**
     * Runs up to a batch of carried continuations; each runs until its thread parks or ends. The
     * batch is timed as a whole (two clock reads per round with work, none when idle).
     */
    private void runCarried() {
        Runnable task = runQueue.pollFirst();
        if (task == null) {
            return;
        }
        long start = System.nanoTime();
        for (int i = 1; ; i++) {
            // Opaque stores: only this thread writes the field, and the monitors sample it now and
            // then, so it needs no ordering with the continuation's own accesses.
            RUNNING.setOpaque(this, task);
            try {
                task.run();
            } finally {
                RUNNING.setOpaque(this, null);
            }
            if (i == RUN_BATCH || (task = runQueue.pollFirst()) == null) {
                break;
            }
        }
        BUSY.setOpaque(this, busyNanos + (System.nanoTime() - start));
    }
}
