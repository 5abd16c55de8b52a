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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * What every backend shares: one platform thread that owns the kernel object (a ring or an epoll
 * set), a request queue other threads feed, the sleep/wake handshake, and the lifecycle.
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
 * <h2>Termination</h2>
 * On {@link #close()} or when the loop throws, the poller sets {@code terminated}, fails every armed
 * waiter and every queued one, waits out any producer still writing the eventfd, and then releases
 * the kernel resources. A producer that enqueues after the final drain sees {@code terminated}
 * (the same Dekker pairing) and fails its own waiter.
 */
public abstract class Poller {
    private static final VarHandle SIGNALLERS;

    static {
        try {
            SIGNALLERS = MethodHandles.lookup().findVarHandle(Poller.class, "signallers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Eight bytes holding 1: what a signal writes to the eventfd. Shared by all pollers, never freed. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    /** Counters shown by {@code IoScheduler.stats()}. */
    protected final PollerCounters counters = new PollerCounters();
    private final MpscQueue<Object> requests = new MpscQueue<>();
    private final Thread thread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final List<CancelRequest> pendingCancels = new ArrayList<>();

    private final WakeupGate gate = new WakeupGate();
    @SuppressWarnings("unused")
    private volatile int signallers;
    private volatile boolean stopRequested;
    private volatile boolean terminated;
    private volatile Throwable failure;
    /** Poller thread only: the waiter being armed, so a failing arm cannot strand it. */
    private Waiter arming;
    /** The eventfd that wakes the poller; created on the poller thread, closed by it. */
    private volatile int wakeFd = -1;

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

    /** @param threadName name of the poller thread */
    @SuppressWarnings("this-escape") // the thread is only started by start(), after construction
    protected Poller(String threadName) {
        this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this::run);
    }

    // ---------------------------------------------------------------- backend hooks (poller thread)

    /** Creates the kernel object; runs first on the poller thread. Throw to refuse to start. */
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

    /** Decides {@code outcome} for every armed waiter and forgets them all. */
    protected abstract void releaseAll(int outcome);

    /**
     * Releases the kernel object. Poller thread, once: after {@link #releaseAll}, or after
     * {@link #open} threw (then only what open had created, any field still unset).
     */
    protected abstract void closeKernel();

    /** Awaits armed in the kernel now. */
    public abstract int armedCount();

    // ---------------------------------------------------------------- public face

    /**
     * Starts the poller thread and waits until the backend opened.
     *
     * @throws IOException what {@link #open} threw (for example io_uring being unavailable)
     */
    public final void start() throws IOException {
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

    /** The poller thread. */
    public final Thread thread() {
        return thread;
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
     * Queues a waiter: the first time to arm it, after its own timeout or interrupt to disarm it.
     * If the poller has terminated the waiter is failed with {@link Waiter#CLOSED} here.
     */
    public final void submit(Waiter w) {
        requests.offer(w);
        wakeIfSleeping();
        if (terminated) {
            w.complete(Waiter.CLOSED);
        }
    }

    /**
     * Wakes every await on {@code fd} with {@link Waiter#CANCELLED} and removes the kernel requests;
     * returns once the poller has submitted the removals (or has terminated).
     */
    public final void cancel(int fd) {
        if (terminated) {
            return;
        }
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("cancel from the poller thread");
        }
        CancelRequest request = new CancelRequest(fd);
        requests.offer(request);
        wakeIfSleeping();
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

    /** Stops the poller and waits for its thread to end. Idempotent. */
    public final void close() {
        stopRequested = true;
        signal();
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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

    private void run() {
        MemorySegment capture = Native.threadCaptureState();
        try {
            int fd = LibC.eventfd(capture, 0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
            if (fd < 0) {
                throw new IOException("eventfd failed: " + Errno.describe(-fd));
            }
            wakeFd = fd;
            try {
                open(fd);
            } catch (Throwable t) {
                try {
                    closeKernel(); // what open created before it failed (a ring, mappings, an epoll fd)
                } catch (Throwable c) {
                    t.addSuppressed(c);
                }
                LibC.close(capture, fd);
                wakeFd = -1;
                throw t;
            }
        } catch (Throwable t) {
            terminated = true;
            started.completeExceptionally(t);
            return;
        }
        started.complete(null);
        Throwable cause = null;
        try {
            loop();
        } catch (Throwable t) {
            cause = t;
        } finally {
            terminate(cause);
        }
    }

    private void loop() throws IOException {
        while (!stopRequested) {
            drainRequests();
            if (!pendingCancels.isEmpty()) {
                pollKernel(false);
                finishCancels();
                continue;
            }
            gate.prepareToSleep();
            if (!requests.isEmpty() || stopRequested) {
                gate.awake();
                pollKernel(false);
                continue;
            }
            pollKernel(true);
            gate.awake();
        }
    }

    private void drainRequests() throws IOException {
        Object r;
        while ((r = requests.poll()) != null) {
            if (r instanceof Waiter w) {
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
            } else {
                CancelRequest c = (CancelRequest) r;
                pendingCancels.add(c); // first: if cancelFd throws, terminate() still releases the caller
                cancelFd(c.fd);
            }
        }
    }

    private void finishCancels() {
        for (CancelRequest c : pendingCancels) {
            c.finish();
        }
        pendingCancels.clear();
    }

    private void wakeIfSleeping() {
        if (gate.shouldSignal()) {
            counters.addShared(PollerCounters.WAKEUPS, 1);
            signal();
        }
    }

    /** Writes the eventfd unless the poller is closing it; never touches a closed fd number. */
    private void signal() {
        SIGNALLERS.getAndAdd(this, 1);
        try {
            int fd = wakeFd;
            if (!terminated && fd >= 0) {
                LibC.write(Native.threadCaptureState(), fd, ONE, 8);
            }
        } finally {
            SIGNALLERS.getAndAdd(this, -1);
        }
    }

    private void terminate(Throwable cause) {
        failure = cause;
        terminated = true;
        releaseAll(Waiter.CLOSED);
        if (arming != null) {
            arming.complete(Waiter.CLOSED);
            arming = null;
        }
        Object r;
        while ((r = requests.poll()) != null) {
            if (r instanceof Waiter w) {
                w.complete(Waiter.CLOSED);
            } else {
                ((CancelRequest) r).finish();
            }
        }
        finishCancels();
        while ((int) SIGNALLERS.getVolatile(this) != 0) {
            Thread.onSpinWait();
        }
        try {
            closeKernel();
        } finally {
            LibC.close(Native.threadCaptureState(), wakeFd);
            wakeFd = -1;
        }
    }
}
