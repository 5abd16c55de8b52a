package io.loomring.poller;

import io.loomring.ffm.ThreadClocks;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier: a platform thread of its own that owns the kernel object and is also the scheduler of
 * virtual threads (built with {@link VirtualThreads#builder}). They run on the poller thread itself,
 * between kernel calls: each round runs a bounded batch of them, submits and reaps without blocking
 * while more are ready, and sleeps in the kernel only when idle. A completion makes its thread
 * runnable with a plain push onto the local run queue; other threads hand continuations over
 * through the {@link Inbox}.
 */
final class CarrierLoop extends PollerLoop {
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
    /** Carried continuations ready to run; poller thread only. */
    private final ArrayDeque<Runnable> runQueue = new ArrayDeque<>();
    /** Completed by the carrier thread once its backend is open (or failed to open). */
    private final CompletableFuture<Void> open = new CompletableFuture<>();
    /** The carried continuation running now, or null (for the stall monitor and the balancer). */
    @SuppressWarnings("unused")
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
    void wakeOverdueTimers() {
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
    boolean isRunningCarried() {
        return RUNNING.getOpaque(this) != null;
    }

    /** The carried continuation running now, or null; any thread (opaque: a monitoring read). */
    Runnable runningContinuation() {
        return (Runnable) RUNNING.getOpaque(this);
    }

    /** Nanoseconds spent running carried continuations so far; any thread (a monitoring read). */
    long busyNanos() {
        return (long) BUSY.getOpaque(this);
    }

    /** The carrier thread's kernel id once it runs, 0 before; any thread. */
    int tid() {
        return tid;
    }

    /** Makes a continuation runnable; poller thread (or a thread it carries) only. */
    void enqueue(Runnable continuation) {
        runQueue.addLast(continuation);
    }

    /** See {@link Poller#sendStartsTo}; any thread. */
    void sendStartsTo(Poller other) {
        startsGoTo = other;
    }

    /**
     * Makes a continuation runnable here, except every other thread's start while the balancer
     * sends starts elsewhere: that thread then starts there (its scheduler set before it runs).
     * Poller thread (or a thread it carries) only.
     */
    void enqueueOrSendStart(Runnable continuation) {
        Poller to = startsGoTo;
        Thread starting;
        if (to != null && (sendNextStart = !sendNextStart)
                && (starting = VirtualThreads.startingThread(continuation)) != null) {
            VirtualThreads.rescheduleStarting(starting, to);
            poller.counters().add(PollerCounters.STARTS_SENT, 1);
            to.execute(continuation); // not its thread: through its inbox
            return;
        }
        runQueue.addLast(continuation);
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
