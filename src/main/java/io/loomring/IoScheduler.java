package io.loomring;

import static io.loomring.ffm.Poll.POLLIN;
import static io.loomring.ffm.Poll.POLLOUT;

import io.loomring.poller.BlockingPool;
import io.loomring.poller.PollerCounters;
import io.loomring.poller.VirtualThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Parks threads until file descriptors are ready, with carrier threads doing the waiting in the
 * kernel (io_uring, or epoll where io_uring is unavailable), and runs virtual threads on those
 * carriers. The package comment says how carriers and sub-pollers divide the work.
 *
 * <p>Typical use, on a virtual thread, with a non-blocking fd:
 * <pre>{@code
 * IoScheduler io = IoScheduler.shared();
 * while ((n = read(fd, buf)) == -EAGAIN) {
 *     io.awaitReadable(fd);          // parks this thread, not its carrier
 * }
 * }</pre>
 *
 * <p>Readiness is level-checked when the await is armed: an fd that is already ready wakes the
 * caller at once. {@code POLLERR} and {@code POLLHUP} count as ready; the next read or write tells
 * the caller what happened. A wakeup can be spurious (after a kernel-side completion loss), so
 * callers always retry their syscall.
 *
 * <p>Every await ends with exactly one outcome: ready, timed out ({@code false}), interrupted
 * ({@link InterruptedIOException}, interrupt status left set), cancelled
 * ({@link AsynchronousCloseException}, see {@link #cancel}), the fd rejected by the kernel
 * ({@link IOException} with the errno), or the scheduler closed ({@link IOException}).
 *
 * <p>Instances are thread-safe.
 */
public final class IoScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.loomring");

    private final CarrierGroup group;
    private final Backend backend;
    private final String reason;
    private final String carrierReason;
    private final boolean shared;
    /** The fallback of {@link #threadFactory()} to ordinary virtual threads was logged. */
    private final AtomicBoolean fallbackLogged = new AtomicBoolean();

    private IoScheduler(SchedulerSettings settings, boolean shared) {
        BackendSelector.Selection selection = settings.selection();
        SocketModes sockets = settings.sockets();
        this.group = new CarrierGroup(selection.pollers(), selection.subPollers(), sockets, settings.balance(),
                settings.adopt());
        this.backend = selection.backend();
        // Files (io.loomring.files) go where the backend can take them: the ring, or the pool.
        this.reason = selection.reason() + (backend == Backend.IO_URING ? "; file I/O runs in the ring"
                : "; file I/O runs on a pool of " + BlockingPool.shared().size()
                        + " platform threads (epoll has no asynchronous file I/O)")
                + (backend != Backend.IO_URING || !sockets.completionIo() ? ""
                        : (sockets.multishotReceive()
                                ? "; sockets receive through multishot RECVs with provided buffers where the kernel has them"
                                : "")
                        + (sockets.multishotAccept() ? "; listening sockets accept through multishot ACCEPTs" : ""));
        String refused = VirtualThreads.unavailableReason();
        this.carrierReason = refused == null
                ? group.size() + " carriers carry the threads of threadFactory()"
                : "threadFactory() makes ordinary virtual threads: " + refused;
        this.shared = shared;
        // One line per scheduler: INFO for the process-wide one, DEBUG for the ones applications
        // build (often many, and backend()/backendReason() tell the same programmatically).
        LOG.log(shared ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                "Loomring {0} scheduler uses the {1} backend: {2}; {3}",
                shared ? "shared" : "new", backend, reason, carrierReason);
        SchedulerEvents.opened(this, backend, group, shared); // JFR's periodic statistics
    }

    /**
     * The process-wide scheduler, started on first use, with daemon carrier threads. Its backend
     * follows the system property {@code loomring.backend} ({@code auto}, {@code io_uring},
     * {@code epoll}; default {@code auto}), its carrier count {@code loomring.carriers} (default:
     * available processors). It cannot be closed.
     *
     * @return the process-wide scheduler
     * @throws IllegalArgumentException when {@code loomring.backend} names no backend, or
     *                                  {@code loomring.carriers} is out of range
     * @throws UncheckedIOException     when the requested backend cannot start
     *                                  (every later call throws the same)
     */
    public static IoScheduler shared() {
        IoScheduler instance = SharedHolder.INSTANCE;
        if (instance == null) {
            throw SchedulerSettings.sharedFailure(SharedHolder.FAILURE);
        }
        return instance;
    }

    /** Holds the shared scheduler, started on first use (class initialization runs once). */
    private static final class SharedHolder {
        /** The scheduler, or null when it could not start. */
        static final IoScheduler INSTANCE;
        /** Why it could not start, or null. */
        static final RuntimeException FAILURE;

        static {
            IoScheduler instance = null;
            RuntimeException failure = null;
            try {
                instance = new IoScheduler(SchedulerSettings.fromSystemProperties(), true);
            } catch (RuntimeException e) {
                failure = e;
            }
            INSTANCE = instance;
            FAILURE = failure;
        }
    }

    /** {@return a builder for a scheduler of one's own (close it when done)} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the backend in use: {@link Backend#IO_URING} or {@link Backend#EPOLL}, never AUTO} */
    public Backend backend() {
        return backend;
    }

    /**
     * Why this backend was chosen, for example "io_uring_setup failed: EPERM (...)", and where file
     * I/O runs: in the ring, or (on epoll) on a small pool of platform threads while virtual threads
     * park.
     *
     * @return why this backend was chosen and where file I/O runs, as one line of text
     */
    public String backendReason() {
        return reason;
    }

    /** {@return the number of carriers (platform threads, each with its own ring or epoll set)} */
    public int carriers() {
        return group.size();
    }

    /** {@return the number of sub-pollers (virtual threads serving ordinary virtual threads' awaits)} */
    public int subPollers() {
        return group.subPollerCount();
    }

    /**
     * True when {@link #threadFactory()} makes virtual threads carried by this scheduler's carriers;
     * false when the JVM refused access (see {@link #carrierReason()}) and it makes ordinary ones.
     *
     * @return whether the threads of {@link #threadFactory()} are carried by this scheduler
     */
    public boolean carriesThreads() {
        return VirtualThreads.unavailableReason() == null;
    }

    /** {@return whether and why {@link #threadFactory()} makes carried or ordinary virtual threads} */
    public String carrierReason() {
        return carrierReason;
    }

    /**
     * A factory of unnamed virtual threads carried by this scheduler's carriers (see the class
     * comment). Each new thread goes to the carrier with the fewest live carried threads. Where
     * carried threads are unavailable ({@link #carriesThreads()} false) the threads are ordinary
     * virtual threads. After {@link #close()} the factory throws {@link RejectedExecutionException}.
     *
     * @return a factory of virtual threads carried by this scheduler (ordinary ones where that is
     *         unavailable)
     */
    public ThreadFactory threadFactory() {
        return threadFactory(null);
    }

    /**
     * As {@link #threadFactory()}, with threads named {@code namePrefix} followed by a number
     * counted from 0 ({@code null} for unnamed threads).
     *
     * @param namePrefix the start of every thread's name, or {@code null} for unnamed threads
     * @return a factory as {@link #threadFactory()}, naming its threads
     */
    public ThreadFactory threadFactory(String namePrefix) {
        return threadFactory(namePrefix, true);
    }

    /** @param numbered thread names get a number after the prefix */
    private ThreadFactory threadFactory(String namePrefix, boolean numbered) {
        if (!carriesThreads() && fallbackLogged.compareAndSet(false, true)) {
            // Once per scheduler: an application that asked for carried threads runs without them.
            LOG.log(System.Logger.Level.WARNING, "Loomring scheduler {0}: {1}", this, carrierReason);
        }
        return group.threadFactory(namePrefix, numbered);
    }

    /** Awaits armed on the sub-pollers alone; for tests. */
    long subPollerAwaitsArmed() {
        return group.subPollerCounter(PollerCounters.ARMED);
    }

    /** Completions the sub-pollers reaped; for tests. */
    long subPollerCompletions() {
        return group.subPollerCounter(PollerCounters.COMPLETIONS);
    }

    /** What a call on this scheduler throws once it is closed (it says why); for tests. */
    IOException closedException() {
        return Outcomes.closed(group.failure());
    }

    /** A counter ({@link PollerCounters}) summed over the carriers and sub-pollers; for tests. */
    long pollerCounter(int counter) {
        return group.counter(counter);
    }

    /** Sub-pollers parked on their masters now; for tests. */
    int subPollersParked() {
        return group.subPollersParked();
    }

    /**
     * Live carried threads made by {@link #threadFactory()} on each carrier now (index = carrier),
     * for checking placement; threads started by carried threads are not counted.
     *
     * @return a new array with one count per carrier
     */
    public int[] carriedThreadsPerCarrier() {
        return group.liveThreads();
    }

    /**
     * Nanoseconds each carrier has spent running carried threads since it started (index =
     * carrier): how evenly the carriers share the work.
     *
     * @return a new array with one figure per carrier
     */
    public long[] carrierBusyNanos() {
        return group.busyNanos();
    }

    /**
     * How many carried threads moved to a less busy carrier, or were started on one instead of their
     * parent's, so far (see {@link Builder#balanceCarriers}).
     *
     * @return the number of moves since the scheduler started
     */
    public long carriedThreadMoves() {
        return group.moves();
    }

    /**
     * How many carried threads were handed to the JDK's scheduler so far, at the I/O call after one
     * of their continuations ran on a carrier with no loop round for at least 10 ms (so that their
     * next long computation holds no carrier; see the builder's {@code balanceCarriers}).
     *
     * @return the number of threads handed over since the scheduler started
     */
    public long carriedThreadsReleased() {
        return group.released();
    }

    /**
     * How many ordinary virtual threads moved to the carriers at an I/O call so far
     * ({@link Builder#adoptVirtualThreads}).
     *
     * @return the number of threads adopted since the scheduler started
     */
    public long carriedThreadsAdopted() {
        return group.adopted();
    }

    /** {@return true when the calling thread is a virtual thread carried by one of this scheduler's carriers} */
    public boolean carriesCurrentThread() {
        return group.carriesCurrentThread();
    }

    /**
     * Runs {@code task} on a carried virtual thread (from {@link #threadFactory(String)}, named
     * {@code name}) and waits for it: for code that starts a server itself, so that every virtual
     * thread it starts is carried too (a virtual thread inherits the scheduler of the virtual
     * thread that starts it). A caller already carried by this scheduler runs {@code task} itself.
     * Where carried threads are unavailable ({@link #carriesThreads()} false) the task runs on an
     * ordinary virtual thread and a WARNING is logged once per scheduler.
     *
     * <p>An interrupt of the waiting caller is passed on to the task's thread; the caller goes on
     * waiting for the task to end, and returns with its interrupt status set.
     *
     * @param <V>  the type of the task's result
     * @param name the name of the carried thread that runs {@code task}
     * @param task the code to run
     * @return what {@code task} returned
     * @throws Exception                  what {@code task} threw, as it threw it
     * @throws RejectedExecutionException when this scheduler is closed
     */
    public <V> V runCarried(String name, Callable<V> task) throws Exception {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        if (carriesCurrentThread()) {
            return task.call();
        }
        return CarriedCall.run(threadFactory(name, false), task);
    }

    /**
     * {@link #runCarried(String, Callable)} with the thread named {@code loomring-carried}.
     *
     * @param <V>  the type of the task's result
     * @param task the code to run
     * @return what {@code task} returned
     * @throws Exception                  what {@code task} threw, as it threw it
     * @throws RejectedExecutionException when this scheduler is closed
     */
    public <V> V runCarried(Callable<V> task) throws Exception {
        return runCarried("loomring-carried", task);
    }

    /**
     * Parks the calling thread until {@code fd} is readable.
     *
     * @param fd the file descriptor to wait for
     * @throws IllegalArgumentException if {@code fd < 0}
     * @throws InterruptedIOException if the thread is interrupted (its interrupt status stays set)
     * @throws AsynchronousCloseException if {@link #cancel} was called for {@code fd}
     * @throws IOException if the fd is closed or invalid, or the scheduler is closed
     */
    public void awaitReadable(int fd) throws IOException {
        await(fd, POLLIN, 0);
    }

    /**
     * Parks the calling thread until {@code fd} is readable or the timeout elapses. A zero or
     * negative timeout checks readiness without parking.
     *
     * @param fd      the file descriptor to wait for
     * @param timeout the longest time to park
     * @return true when readable, false when the timeout elapsed first
     * @throws IOException as {@link #awaitReadable(int)}
     */
    public boolean awaitReadable(int fd, Duration timeout) throws IOException {
        return awaitWithin(fd, POLLIN, timeout);
    }

    /**
     * Parks the calling thread until {@code fd} is writable.
     *
     * @param fd the file descriptor to wait for
     * @throws IOException as {@link #awaitReadable(int)}
     */
    public void awaitWritable(int fd) throws IOException {
        await(fd, POLLOUT, 0);
    }

    /**
     * Parks the calling thread until {@code fd} is writable or the timeout elapses.
     *
     * @param fd      the file descriptor to wait for
     * @param timeout the longest time to park
     * @return true when writable, false when the timeout elapsed first
     * @throws IOException as {@link #awaitReadable(int)}
     */
    public boolean awaitWritable(int fd, Duration timeout) throws IOException {
        return awaitWithin(fd, POLLOUT, timeout);
    }

    /**
     * The route of the calling thread's I/O on {@code fd}: the carrier that carries the thread, the
     * sub-poller that serves it, or a carrier reached through its queue. A layer that awaits and
     * runs ring operations for one call (Loomring's sockets do) chooses the route once and maps
     * its outcomes to its own exceptions; see {@link IoRoute}. Choosing allocates nothing.
     *
     * @param fd the file descriptor the calling thread's I/O is on
     * @return the route for that I/O on the calling thread
     * @throws IllegalArgumentException if {@code fd < 0}
     */
    public IoRoute route(int fd) {
        checkFd(fd);
        return group.route(fd);
    }

    /**
     * True when the calling thread can run completion-mode I/O ({@link #receive}, {@link #send}) on
     * this scheduler: the backend is io_uring, completion mode was not turned off
     * ({@link Builder#completionIo}), and the thread is carried by one of the carriers or is an
     * ordinary virtual thread served by a sub-poller. Loomring's sockets use it whenever this is true.
     *
     * @return whether completion-mode I/O runs on the calling thread
     */
    public boolean completionMode() {
        return group.route(0).completionMode();
    }

    /**
     * Completion-mode {@code recv(2)}: {@link IoRoute#receive} on the calling thread's route, its
     * statuses thrown. The {@code RECV} goes into the ring of the thread's carrier or sub-poller
     * and the thread parks until its final completion; bytes that arrived before a timeout's or an
     * interrupt's cancel took effect are returned, and {@code buffer} is never written afterwards.
     *
     * @param fd           the socket's file descriptor
     * @param buffer       native memory to receive into (at most its size, capped at 2 GiB)
     * @param timeoutNanos how long to wait, or 0 or less to wait without limit
     * @return bytes received (0 at end of stream), or a negative errno (for example {@code -ECONNRESET})
     * @throws SocketTimeoutException     if the timeout elapsed before anything arrived
     * @throws InterruptedIOException     if interrupted (the interrupt status stays set)
     * @throws AsynchronousCloseException if {@link #cancel} was called for {@code fd}
     * @throws IOException                if the scheduler is closed
     * @throws IllegalStateException      unless {@link #completionMode()} is true
     * @throws IllegalArgumentException   if {@code fd < 0} or {@code buffer} is not native
     */
    public int receive(int fd, MemorySegment buffer, long timeoutNanos) throws IOException {
        checkFd(fd);
        return Outcomes.bytes(group.route(fd).receive(fd, buffer, Math.max(0, timeoutNanos)), fd, group::failure);
    }

    /**
     * Completion-mode {@code send(2)} (with {@code MSG_NOSIGNAL}), as {@link #receive}: the thread
     * parks until the {@code SEND} completes; a timeout or an interrupt cancels it and waits for its
     * final completion. It may send fewer bytes than {@code buffer} holds. With
     * {@link Builder#sendZeroCopy} on, a send of at least its threshold and without a timeout goes
     * as {@code SEND_ZC} and returns once the kernel no longer uses {@code buffer}.
     *
     * @param fd           the socket's file descriptor
     * @param buffer       native memory holding the bytes to send (at most its size, capped at 2 GiB)
     * @param timeoutNanos how long to wait, or 0 or less to wait without limit
     * @return bytes sent, or a negative errno (for example {@code -EPIPE})
     * @throws IOException as {@link #receive}
     */
    public int send(int fd, MemorySegment buffer, long timeoutNanos) throws IOException {
        checkFd(fd);
        return Outcomes.bytes(group.route(fd).send(fd, buffer, Math.max(0, timeoutNanos)), fd, group::failure);
    }

    /**
     * True when Loomring's sockets may write behind on the calling thread: it runs completion-mode
     * I/O ({@link #completionMode()}: carried by an io_uring carrier, or an ordinary virtual thread
     * an io_uring sub-poller serves), and write-behind was not turned off
     * ({@link Builder#writeBehind}). A write then returns once its bytes are copied and
     * queued as a {@code SEND} ({@link #sendInBackground}); the next write, or close, waits for it.
     *
     * @return whether Loomring's sockets write behind on the calling thread
     */
    public boolean writesBehind() {
        return group.route(0).writesBehind();
    }

    /**
     * Starts a completion-mode {@code send(2)} of all of {@code buffer} and returns at once
     * (write-behind): {@link IoRoute#sendInBackground} on the calling thread's route. The caller
     * keeps {@code buffer} alive and untouched, and the fd open, until {@code onDone} has run (mostly
     * on the carrier: it must be short and must not block); {@link BackgroundSend#await} gives the
     * outcome. Only {@link #cancel} (or closing the scheduler) cancels it.
     *
     * @param fd     the socket's file descriptor
     * @param buffer native memory holding the bytes to send
     * @param onDone what to run once the send's final completion is in
     * @return the send in flight, whose outcome {@link BackgroundSend#await} gives
     * @throws IllegalStateException    unless {@link #completionMode()} is true
     * @throws IllegalArgumentException if {@code fd < 0} or {@code buffer} is not native
     * @throws IOException              if the scheduler is closed
     */
    public BackgroundSend sendInBackground(int fd, MemorySegment buffer, Runnable onDone) throws IOException {
        checkFd(fd);
        return group.route(fd).sendInBackground(fd, buffer, onDone);
    }

    /**
     * Wakes every thread awaiting {@code fd} on this scheduler with
     * {@link AsynchronousCloseException} and removes their kernel-side polls. Returns once the
     * removals are submitted, so the caller can then close the fd: a later fd with the same number
     * is never woken by them. Awaits that start after this call are not affected.
     *
     * @param fd the file descriptor whose awaits end
     * @throws IllegalArgumentException if {@code fd < 0}
     */
    public void cancel(int fd) {
        checkFd(fd);
        group.cancel(fd);
    }

    /**
     * A snapshot of the counters.
     *
     * @return the counters as they are at the time of the call
     */
    public Stats stats() {
        return group.stats();
    }

    /** {@return true once closed, or once a carrier thread failed} */
    public boolean isClosed() {
        return group.isTerminated();
    }

    /**
     * Stops the carriers and releases their threads, fds and ring memory. Threads still waiting
     * fail with an {@link IOException} saying the scheduler is closed, as do later awaits, and
     * {@link #threadFactory()} refuses new threads. Carried threads still alive go on running on
     * the JDK's common pool. Idempotent; may be called from a carried thread (it then does not wait
     * for that thread's own carrier to end).
     *
     * @throws UnsupportedOperationException on {@link #shared()}
     */
    @Override
    public void close() {
        if (shared) {
            throw new UnsupportedOperationException("the shared Loomring scheduler cannot be closed");
        }
        SchedulerEvents.closed(this);
        group.close();
    }

    @Override
    public String toString() {
        return "IoScheduler[" + backend + ", " + group.size() + " carriers" + (isClosed() ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------

    /** Parks until {@code fd} has {@code events}, for at most {@code timeoutNanos} (0: no limit). */
    private boolean await(int fd, int events, long timeoutNanos) throws IOException {
        checkFd(fd);
        return Outcomes.ready(group.route(fd).await(fd, events, timeoutNanos), fd, group::failure);
    }

    /** {@link #await} with a {@link Duration}: zero or negative checks readiness without parking. */
    private boolean awaitWithin(int fd, int events, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        if (!timeout.isNegative() && !timeout.isZero()) {
            return await(fd, events, nanos(timeout));
        }
        checkFd(fd);
        if (group.isTerminated()) {
            throw closedException();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted before awaiting fd " + fd);
        }
        return ReadinessCheck.isReady(fd, events);
    }

    private static void checkFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0: " + fd);
        }
    }

    /** A positive timeout in nanoseconds (at least 1, at most Long.MAX_VALUE): the one conversion. */
    private static long nanos(Duration timeout) {
        try {
            return Math.max(1, timeout.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Builds a scheduler of one's own: its settings, each with its default (the system property it
     * starts from, where one exists), and {@link #build()}.
     */
    public static final class Builder extends SchedulerBuilder {
        private Builder() {}

        /** {@return the default sub-poller count: one per available processor, at most 32} */
        public static int defaultSubPollers() {
            return SchedulerSettings.defaultSubPollers();
        }

        /**
         * Starts the scheduler's poller.
         *
         * @return the new scheduler, running (close it when done)
         * @throws UncheckedIOException when the backend cannot start (for {@link Backend#IO_URING}:
         *                              io_uring unavailable; AUTO falls back to epoll instead)
         */
        public IoScheduler build() {
            return new IoScheduler(settings(), false);
        }
    }
}
