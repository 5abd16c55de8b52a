package io.loomring.poller;

import static io.loomring.ffm.Poll.POLLIN;

import io.loomring.ffm.Errno;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * A sub-poller: its loop runs on a virtual thread of the JDK's default scheduler, for awaits from
 * ordinary virtual threads (those the application or a framework made). It never blocks in the
 * kernel: while rounds reap completions it yields between them ({@link YieldThenPark}), so the
 * threads it woke run on the same platform thread right away and their next awaits are armed by its
 * next round, all without a syscall of their own; once its rounds have found nothing for a short
 * while it parks on its master (a carrier) until its own kernel fd (ring or epoll set) is readable.
 * It carries no threads. This is the JDK's own scheme for its read pollers, with arms batched into
 * the sub-poller's kernel calls instead of one {@code epoll_ctl} per await, and, on io_uring, ring
 * operations (RECV, SEND) for the threads it serves.
 *
 * <p>The inbox's sleep handshake covers the park: a request that comes in meanwhile signals the
 * eventfd, which makes the kernel fd readable, which wakes this thread through the master (a
 * oneshot poll is level-checked when armed, so a signal sent before the master armed it still
 * counts; see the jcstress test {@code SubPollerParkTest}).
 */
final class SubPollerLoop extends PollerLoop {
    /** How long rounds without work go on yielding before the sub-poller parks on its master. */
    private static final long IDLE_YIELD_NANOS = 50_000;

    private final Thread thread;
    /** The carrier this sub-poller parks on when idle. */
    private final Poller master;
    /** This sub-poller's await on its master is armed, or about to be (not a user's await, in stats). */
    private volatile boolean parkedOnMaster;

    SubPollerLoop(Poller poller, String threadName, Poller master, Executor scheduler) {
        super(poller);
        if (!master.isCarrier()) {
            throw new IllegalArgumentException("a sub-poller's master must be a carrier");
        }
        this.master = master;
        this.thread = scheduler == null
                ? VirtualThreads.unstartedOnDefaultScheduler(threadName, poller::run)
                : VirtualThreads.builder(scheduler).name(threadName).unstarted(poller::run);
    }

    @Override
    Thread thread() {
        return thread;
    }

    @Override
    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** True while parked on the master; any thread. */
    boolean isParkedOnMaster() {
        return parkedOnMaster;
    }

    @Override
    void loop() throws Throwable {
        PollerBackend backend = poller.kernel();
        RequestDispatcher requests = poller.dispatcher();
        Inbox inbox = poller.inbox();
        PollerCounters counters = backend.counters;
        YieldThenPark idle = new YieldThenPark(IDLE_YIELD_NANOS);
        while (!poller.stopRequested()) {
            countRound();
            boolean tookRequests = requests.drain(inbox);
            long reaped = counters.get(PollerCounters.COMPLETIONS);
            backend.submitAndReap(false);
            if (requests.hasPendingCancels()) {
                requests.finishCancels(); // submitAndReap submitted their removals
            }
            if (!idle.idle(tookRequests || counters.get(PollerCounters.COMPLETIONS) != reaped)) {
                continue;
            }
            inbox.prepareToSleep();
            if (!inbox.isEmpty() || poller.stopRequested()) {
                inbox.awake();
                continue;
            }
            boolean masterServes = parkOnMaster(backend.kernelFd());
            inbox.awake();
            if (!masterServes) {
                return; // the carriers stopped, so has the scheduler
            }
        }
    }

    /**
     * Parks this sub-poller until {@code kernelFd} is readable, awaiting it on the master.
     *
     * @return false when the master no longer serves (it is closed)
     */
    private boolean parkOnMaster(int kernelFd) throws IOException {
        Await w = new Await(thread, kernelFd, POLLIN);
        parkedOnMaster = true;
        master.submit(w);
        int outcome = w.awaitOutcome(Completion.NO_TIMEOUT, () -> master.submit(w));
        parkedOnMaster = false;
        return switch (outcome) {
            case Completion.CLOSED -> false;
            case Completion.FAILED -> throw new IOException("the master cannot poll this sub-poller's kernel fd: "
                    + Errno.describe(w.errno()));
            default -> {
                Thread.interrupted(); // nobody interrupts a sub-poller; were it done, it must not spin
                yield true; // READY (CANCELLED or INTERRUPTED only ever come spuriously): poll again
            }
        };
    }
}
