package io.loomring.poller;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.Errno;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.ring.CompletionQueue;
import io.loomring.ring.IoUring;
import io.loomring.ring.RingConstants;
import io.loomring.ring.SubmissionQueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.concurrent.Executor;

/**
 * The io_uring backend: each await is a oneshot {@code POLL_ADD} whose user_data is
 * {@code generation << 32 | slot} (see {@link SlotTable}); the wakeup eventfd is read by a
 * {@code READ} request kept in the ring. All arms queued since the last kernel call go in with one
 * {@code io_uring_enter}, which also waits.
 *
 * <p>Fds whose {@code POLL_ADD} the kernel refuses with {@code EINVAL} move to an epoll set polled
 * from the same ring ({@link EpollFallback}).
 *
 * <h2>Requests that outlive their submitter</h2>
 * The kernel ties a request to the thread that submitted it: the work that completes a request
 * (a poll that fired, a RECV whose data came) runs in that thread. Once the thread has exited, the
 * kernel runs it elsewhere and fails the request with {@code -ECANCELED} instead, though nobody
 * asked: a request pending across its submitter's exit fails when it would have completed. A
 * carrier submits from its own thread, which lives as long as the poller; a sub-poller submits
 * from whichever platform thread of the JDK's scheduler carries it, and that scheduler retires a
 * thread after 30 s without work. So every request that completes with {@code -ECANCELED} without
 * having been cancelled by this poller is submitted again, from the thread that runs the poller
 * now: a poll, the wakeup READ and the fallback's poll have no side effect to undo; a RECV or a
 * SEND that the kernel cancelled has moved no byte (once some have moved, the kernel reports
 * their count instead of the error), so submitting it again neither loses nor repeats one. The
 * alternative, submitting only from threads that outlive every request, would take a hand-off to
 * a platform thread of our own on every arm, which is what sub-pollers exist to avoid.
 *
 * <p>No single request's error stops the poller: a poll's or an operation's error is its
 * waiter's outcome. Only a failing {@code io_uring_enter}, or the poller's own wakeup or fallback
 * poll failing with anything but a cancellation, does: the ring is then broken.
 */
public final class IoUringPoller extends Poller {
    /** user_data of the wakeup eventfd's READ. */
    static final long TAG_WAKEUP = 0x8000_0000_0000_0001L;
    /** user_data of POLL_REMOVE requests (their own CQEs carry nothing we need). */
    static final long TAG_REMOVE = 0x8000_0000_0000_0002L;
    /** user_data of the POLL_ADD on the fallback epoll set's fd. */
    static final long TAG_EPOLL = 0x8000_0000_0000_0003L;
    private static final int POLLIN = 0x001;
    /** send(2) flag: no SIGPIPE for a peer that is gone (EPIPE instead). */
    private static final int MSG_NOSIGNAL = 0x4000;
    /**
     * send(2) flag: a background SEND (write-behind) goes on until every byte is sent, since no
     * thread is there to send the rest of a short one.
     */
    private static final int MSG_WAITALL = 0x100;
    /** A POLL_ADD flag (sqe.len) the kernel does not define: it fails the request with EINVAL. */
    private static final int UNDEFINED_POLL_FLAG = 1 << 30;

    private final IoUringSyscalls sys;
    private final int entries;
    private final boolean cooperativeTaskRun;
    private final SlotTable slots = new SlotTable(256);
    private final CompletionQueue.Handler onCompletion = this::onCompletion;
    private IoUring ring;
    private SubmissionQueue sq;
    private CompletionQueue cq;
    private Arena arena;
    private MemorySegment wakeBuffer;
    private int wakeFd;
    /** The wakeup READ completed; it is queued again once the current reap is done. */
    private boolean wakeupNeedsRearm;
    private final EpollFallback fallback;
    private boolean fallbackPollArmed;
    private boolean fallbackReady;
    /**
     * Waiters whose request the kernel cancelled when the thread that submitted it exited; armed
     * again by {@link #reap} once the completion queue is drained.
     */
    private final ArrayList<Waiter> cancelledByKernel = new ArrayList<>();
    /** user_data of polls still in the kernel whose waiters an EBADR woke; removed by {@link #reap}. */
    private final ArrayList<Long> orphanedPolls = new ArrayList<>();
    /** Ring operations (RECV, SEND) in the kernel now. */
    private int operations;

    /**
     * @param sys     the syscall layer (the kernel, or a test's fault injector)
     * @param entries SQ entries
     * @param index   this poller's number in its scheduler (names its thread)
     */
    public IoUringPoller(IoUringSyscalls sys, int entries, int index) {
        this(sys, entries, index, null, false);
    }

    /**
     * A sub-poller (see {@link Poller}) when {@code master} is not null: its ring has neither
     * SINGLE_ISSUER nor DEFER_TASKRUN nor a registered fd, since its virtual thread submits from
     * whichever platform thread carries it. Completions of its requests are then posted by the
     * kernel task that submitted them (task work). With {@code cooperativeTaskRun} the ring asks
     * for COOP_TASKRUN: the kernel then posts them at that thread's next kernel entry instead of
     * interrupting it (see {@link IoUring#IoUring(IoUringSyscalls, int, boolean, boolean)}), and
     * each round enters the kernel while {@link IoUring#taskRunPending()} says some are waiting.
     */
    public IoUringPoller(IoUringSyscalls sys, int entries, int index, Poller master, boolean cooperativeTaskRun) {
        this(sys, entries, index, master, cooperativeTaskRun, null);
    }

    /**
     * As {@link #IoUringPoller(IoUringSyscalls, int, int, Poller, boolean)}; see
     * {@link Poller#Poller(String, Poller, Executor)}.
     */
    public IoUringPoller(IoUringSyscalls sys, int entries, int index, Poller master, boolean cooperativeTaskRun,
            Executor subPollerScheduler) {
        super((master == null ? "loomring-io_uring-poller-" : "loomring-io_uring-subpoller-") + index, master,
                subPollerScheduler);
        this.sys = sys;
        this.entries = entries;
        this.cooperativeTaskRun = cooperativeTaskRun;
        this.fallback = new EpollFallback(counters, EpollSyscalls.kernel());
    }

    /** The ring (for diagnostics: setup flags, features). */
    public IoUring ring() {
        return ring;
    }

    @Override
    protected void open(int wakeFd) throws IOException {
        ring = new IoUring(sys, entries, isSubPoller(), cooperativeTaskRun);
        if (!isSubPoller()) {
            ring.registerRingFd();
        }
        sq = ring.sq();
        cq = ring.cq();
        arena = Arena.ofShared();
        wakeBuffer = arena.allocate(8, 8);
        this.wakeFd = wakeFd;
        armWakeup();
    }

    @Override
    protected int kernelFd() {
        return ring.fd();
    }

    @Override
    protected boolean supportsOperations() {
        return true;
    }

    @Override
    protected void arm(Waiter w) throws IOException {
        if (w.isOperation()) {
            while (sq.free() == 0) {
                makeRoom();
            }
            long userData = slots.acquire(w);
            operations++;
            int flags = w.opcode() != RingConstants.OP_SEND ? 0
                    : w.isBackground() ? MSG_NOSIGNAL | MSG_WAITALL : MSG_NOSIGNAL;
            if (!sq.prepare(w.opcode(), w.fd(), w.address(), w.length(), flags, userData)) {
                throw new IllegalStateException("SQ full right after making room");
            }
            updateArmed();
            return;
        }
        if (fallback.isRouted(w.fd())) {
            fallback.arm(w);
            updateArmed();
            return;
        }
        // Make room before taking the slot: a kernel call inside makeRoom() may report lost
        // completions (-EBADR) and release every slot; this waiter must not be among them.
        while (sq.free() == 0) {
            makeRoom();
        }
        long userData = slots.acquire(w);
        int pollFlags = sys.refusePollAdd(w.fd()) ? UNDEFINED_POLL_FLAG : 0;
        if (!sq.prepare(RingConstants.OP_POLL_ADD, w.fd(), 0L, pollFlags, w.events(), userData)) {
            throw new IllegalStateException("SQ full right after making room");
        }
        updateArmed();
    }

    @Override
    protected void disarm(Waiter w) throws IOException {
        long userData = SlotTable.userDataOf(w);
        if (slots.lookup(userData) != w) { // not in the ring: in the epoll fallback
            fallback.disarm(w);
            updateArmed();
            return;
        }
        slots.release(w);
        while (!sq.pollRemove(userData, TAG_REMOVE)) {
            makeRoom();
        }
        updateArmed();
    }

    @Override
    protected void cancelOperation(Waiter w) throws IOException {
        if (w.cancelSubmitted || w.slot < 0 || slots.lookup(SlotTable.userDataOf(w)) != w) {
            return; // asked already, or completed: its final CQE is in (or on its way to) the CQ
        }
        w.cancelSubmitted = true;
        while (!sq.cancel(SlotTable.userDataOf(w), TAG_REMOVE)) {
            makeRoom();
        }
    }

    @Override
    protected void cancelFd(int fd) throws IOException {
        IOException[] error = new IOException[1];
        slots.forEach(w -> {
            if (w.fd() == fd && w.isOperation() && error[0] == null) {
                w.cancelledByFd = true; // decided by its final CQE, like any operation
                try {
                    cancelOperation(w);
                } catch (IOException e) {
                    error[0] = e;
                }
            } else if (w.fd() == fd && error[0] == null) {
                w.complete(Waiter.CANCELLED);
                try {
                    disarm(w);
                } catch (IOException e) {
                    error[0] = e;
                }
            }
        });
        fallback.cancelFd(fd);
        updateArmed();
        if (error[0] != null) {
            throw error[0];
        }
    }

    @Override
    protected void pollKernel(boolean block) throws IOException {
        int toSubmit = sq.publish();
        if (block || toSubmit > 0 || ring.deferTaskrun() || ring.taskRunPending()) {
            enter(toSubmit, block ? 1 : 0);
        }
        reap();
    }

    @Override
    protected void releaseAll(int outcome) {
        if (outcome == Waiter.CLOSED && operations > 0) {
            finishOperations();
        }
        slots.forEach(w -> {
            if (w.isOperation() && outcome != Waiter.CLOSED) {
                return; // lost completions: an operation's own CQE is still to come (or was lost with them)
            }
            releaseSlot(w);
            updateArmed(); // before the wakeup, as everywhere
            w.complete(outcome);
        });
        // Not in the kernel now: a poll is woken like the armed ones, an operation is only failed
        // by closing (after lost completions it is armed again, its request having moved nothing).
        for (int i = cancelledByKernel.size() - 1; i >= 0; i--) {
            Waiter w = cancelledByKernel.get(i);
            if (!w.isOperation() || outcome == Waiter.CLOSED) {
                cancelledByKernel.remove(i);
                w.complete(outcome);
            }
        }
        fallback.releaseAll(outcome);
        updateArmed();
    }

    @Override
    protected void closeKernel() {
        try {
            if (ring != null) {
                ring.close(); // closing the ring fd cancels every request still in the kernel
            }
        } finally {
            fallback.close();
            if (arena != null) {
                arena.close();
            }
        }
    }

    /**
     * Closing: operations still in the kernel may write their buffers until their final CQE, so
     * they are cancelled and reaped (for at most a second) before the ring goes away.
     */
    private void finishOperations() {
        try {
            slots.forEach(w -> {
                if (w.isOperation()) {
                    try {
                        cancelOperation(w);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (operations > 0 && System.nanoTime() - deadline < 0) {
                long r = ring.enterTimed(sq.publish(), 1, 10_000_000L);
                if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
                    return; // the ring itself fails: nothing more can be learned from it
                }
                cq.reap(onCompletion);
            }
        } catch (RuntimeException e) {
            // closing anyway: the waiters left are failed as closed
        }
    }

    private void releaseSlot(Waiter w) {
        if (w.isOperation()) {
            operations--;
        }
        slots.release(w);
    }

    /** The SQ is full: submit what is there and reap, so the kernel frees slots. */
    private void makeRoom() throws IOException {
        enter(sq.publish(), 0);
        reap();
    }

    private void enter(int toSubmit, int minComplete) throws IOException {
        long r = ring.enter(toSubmit, minComplete);
        counters.add(PollerCounters.ENTERS, 1);
        if (r >= 0) {
            counters.add(PollerCounters.SUBMITTED, r);
            return;
        }
        int errno = (int) -r;
        switch (errno) {
            case Errno.EINTR, Errno.EAGAIN, Errno.EBUSY, Errno.ETIME -> { }
            case Errno.EBADR -> {
                // The kernel lost completions (no memory for overflow entries): nobody can tell whose.
                // Wake every waiter so each re-checks its fd; their polls' late CQEs are then stale.
                // The polls themselves are removed (at the end of the next reap, since the SQ may be
                // full here): each holds its file, which would otherwise outlive the fd's close.
                slots.forEach(w -> {
                    if (!w.isOperation()) {
                        orphanedPolls.add(SlotTable.userDataOf(w));
                    }
                });
                releaseAll(Waiter.READY);
            }
            default -> throw new IOException("io_uring_enter failed: " + Errno.describe(errno));
        }
    }

    private void reap() throws IOException {
        cq.reap(onCompletion);
        // NODROP: completions that did not fit wait in the kernel; GETEVENTS flushes them.
        int rounds = 0;
        while ((sq.flags() & RingConstants.SQ_CQ_OVERFLOW) != 0 && rounds++ < 64) {
            counters.add(PollerCounters.OVERFLOW_FLUSHES, 1);
            enter(sq.publish(), 0);
            cq.reap(onCompletion);
        }
        if (wakeupNeedsRearm) {
            wakeupNeedsRearm = false;
            armWakeup();
        }
        while (!cancelledByKernel.isEmpty()) {
            Waiter w = cancelledByKernel.removeLast(); // taken first: arm may reap (and get here) again
            if (w.isPending()) {
                counters.add(PollerCounters.RESUBMITTED, 1);
                w.slot = Waiter.NOT_ARMED;
                arm(w);
            }
        }
        while (!orphanedPolls.isEmpty()) {
            long userData = orphanedPolls.removeLast(); // taken first: makeRoom may reap (and get here) again
            while (!sq.pollRemove(userData, TAG_REMOVE)) {
                makeRoom();
            }
        }
        if (fallbackReady) {
            fallbackReady = false;
            fallback.dispatch();
            updateArmed();
        }
        if (fallback.isOpen() && !fallbackPollArmed) {
            // Oneshot and level-checked: events left over after the dispatch fire it again at once.
            fallbackPollArmed = true;
            while (!sq.pollAdd(fallback.fd(), POLLIN, TAG_EPOLL)) {
                makeRoom();
            }
        }
    }

    private void updateArmed() {
        counters.set(PollerCounters.ARMED, slots.used() + fallback.armed());
    }

    private void onCompletion(long userData, int res, int flags) {
        counters.add(PollerCounters.COMPLETIONS, 1);
        if (userData < 0) {
            // -ECANCELED: the thread that submitted it exited (see the class comment); submit again.
            if (userData == TAG_WAKEUP) {
                if (res < 0 && res != -Errno.EAGAIN && res != -Errno.EINTR && res != -Errno.ECANCELED) {
                    throw new IllegalStateException("wakeup eventfd read failed: " + Errno.describe(-res));
                }
                wakeupNeedsRearm = true;
            } else if (userData == TAG_EPOLL) {
                if (res < 0 && res != -Errno.ECANCELED) {
                    throw new IllegalStateException("polling the fallback epoll set failed: " + Errno.describe(-res));
                }
                fallbackPollArmed = false;
                fallbackReady = res >= 0;
            }
            return;
        }
        Waiter w = slots.lookup(userData);
        if (w == null) {
            counters.add(PollerCounters.STALE, 1);
            return;
        }
        releaseSlot(w);
        if (res == -Errno.ECANCELED && !w.cancelSubmitted && w.isPending()) {
            // Nobody here asked: the kernel cancelled it as its submitting thread exited.
            cancelledByKernel.add(w);
            updateArmed();
            return;
        }
        if (w.isOperation()) {
            updateArmed();
            w.completeOperation(res);
            return;
        }
        if (res == -Errno.EINVAL && w.isPending()) {
            fallback.adopt(w); // io_uring cannot poll this fd's file type: epoll can
            updateArmed();
        } else {
            updateArmed(); // before the wakeup: a woken thread never sees itself counted as armed
            completeFromResult(w, res);
        }
    }

    private void armWakeup() throws IOException {
        while (!sq.read(wakeFd, wakeBuffer.address(), 8, TAG_WAKEUP)) {
            makeRoom();
        }
    }
}
