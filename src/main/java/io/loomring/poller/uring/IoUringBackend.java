package io.loomring.poller.uring;

import static io.loomring.poller.uring.UserData.TAG_EPOLL;
import static io.loomring.poller.uring.UserData.TAG_REMOVE;
import static io.loomring.poller.uring.UserData.TAG_WAKEUP;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.Errno;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.ffm.Poll;
import io.loomring.ffm.Sockets;
import io.loomring.poller.Await;
import io.loomring.poller.BackgroundOperation;
import io.loomring.poller.Completion;
import io.loomring.poller.FixedFile;
import io.loomring.poller.Multishot;
import io.loomring.poller.Operation;
import io.loomring.poller.OperationBackend;
import io.loomring.poller.PollerCounters;
import io.loomring.ring.CompletionQueue;
import io.loomring.ring.IoUring;
import io.loomring.ring.RingConstants;
import io.loomring.ring.SubmissionQueue;
import java.io.IOException;

/**
 * The io_uring backend: each await is a oneshot {@code POLL_ADD}, each operation a {@code RECV} or
 * {@code SEND} (or {@code SEND_ZC}, {@link ZeroCopySends}), whose user_data names its slot and
 * generation ({@link SlotTable}, {@link UserData}); the wakeup eventfd is read by a {@code READ}
 * kept in the ring ({@link RingWakeup}). All arms queued since the last kernel call go in with
 * one {@code io_uring_enter}, which also waits.
 *
 * <p>Fds whose {@code POLL_ADD} the kernel refuses with {@code EINVAL} move to an epoll set polled
 * from the same ring ({@link EpollFallback}).
 *
 * <p>Every request the kernel fails with {@code -ECANCELED} though this backend did not cancel it
 * is submitted again, from the thread that runs the poller now: its submitting thread exited (see
 * the package comment).
 *
 * <p>No single request's error stops the poller: a poll's or an operation's error is its
 * request's outcome. Only a failing {@code io_uring_enter}, or the poller's own wakeup or fallback
 * poll failing with anything but a cancellation, does: the ring is then broken.
 */
public final class IoUringBackend extends OperationBackend {
    /**
     * io-wq workers per ring for disk work and fsyncs: as many as virtual threads commonly have
     * such calls in flight, so they batch in the kernel as the JDK's compensating carriers do.
     */
    static final int FILE_WORKERS = Integer.getInteger("loomring.fileWorkers", 64);
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
    private RingWakeup wakeup;
    private final EpollFallback fallback;
    private final Multishots multishots;
    /** SEND_ZC, when asked for: which sends go zero-copy, and their two CQEs. */
    private final ZeroCopySends zeroCopy;
    /** Registered-file slots asked for per ring (0: none). */
    private final int fixedFileSlots;
    /** Registered files (carriers' rings only, made at open): the sockets' table slots. */
    private FixedFiles fixedFiles;
    /** What {@link #reap} submits again once the completion queue is drained. */
    private final Resubmissions resubmissions = new Resubmissions(counters);
    /** Ring operations (RECV, SEND) in the kernel now. */
    private int operations;

    /**
     * @param sys                the syscall layer (the kernel, or a test's fault injector)
     * @param entries            SQ entries
     * @param cooperativeTaskRun for a sub-poller's ring, ask for COOP_TASKRUN (see below)
     * @param levers             the kernel levers asked for (SEND_ZC, registered files)
     */
    public IoUringBackend(IoUringSyscalls sys, int entries, boolean cooperativeTaskRun, RingLevers levers) {
        this.sys = sys;
        this.entries = entries;
        this.cooperativeTaskRun = cooperativeTaskRun;
        this.fallback = new EpollFallback(counters, EpollSyscalls.kernel());
        this.zeroCopy = new ZeroCopySends(levers.sendZeroCopy(), sys, counters);
        this.fixedFileSlots = levers.fixedFileSlots();
        this.multishots = new Multishots(levers.incrementalBuffers());
    }

    /** The ring (for diagnostics: setup flags, features). */
    public IoUring ring() {
        return ring;
    }

    /**
     * The optional features in use, for logs: the ring's, and SEND_ZC, registered files and
     * incremental provided buffers when asked for.
     */
    public String describe() {
        return ring.describe() + zeroCopy.describe() + fixedFiles.describe() + multishots.describe();
    }

    @Override
    protected String name() {
        return "io_uring";
    }

    /**
     * A sub-poller's ring has neither SINGLE_ISSUER nor DEFER_TASKRUN nor a registered fd, since
     * its virtual thread submits from whichever platform thread carries it. Completions of its
     * requests are then posted by the kernel task that submitted them (task work). With
     * {@code cooperativeTaskRun} the ring asks for COOP_TASKRUN: the kernel then posts them at that
     * thread's next kernel entry instead of interrupting it (see
     * {@link IoUring#IoUring(IoUringSyscalls, int, boolean, boolean)}), and each round enters the
     * kernel while {@link IoUring#taskRunPending()} says some are waiting.
     */
    @Override
    protected void open(int wakeFd, boolean subPoller) throws IOException {
        ring = new IoUring(sys, entries, subPoller, cooperativeTaskRun);
        // A sub-poller's ring serves threads that move between rings: its sockets use plain fds.
        fixedFiles = new FixedFiles(subPoller ? 0 : fixedFileSlots, counters);
        fixedFiles.open(ring);
        if (!subPoller) {
            ring.registerRingFd();
        }
        ring.limitWorkers(FILE_WORKERS);
        zeroCopy.open(ring);
        sq = ring.sq();
        cq = ring.cq();
        wakeup = new RingWakeup(wakeFd);
        queueWakeupRead();
    }

    @Override
    protected int kernelFd() {
        return ring.fd();
    }

    /**
     * A SEND never raises SIGPIPE (EPIPE instead); a background one (write-behind) also goes on
     * until every byte is sent, since no thread is there to send the rest of a short one.
     */
    @Override
    protected void start(Operation op) throws IOException {
        while (sq.free() == 0) {
            makeRoom();
        }
        if (op instanceof Multishot m) {
            startMultishot(m);
            return;
        }
        int fileSlot = fixedFiles.slotOf(op, poller(), ring);
        long userData = slots.acquire(op);
        operations++;
        int flags = op.opcode() != RingConstants.OP_SEND ? op.opFlags()
                : op instanceof BackgroundOperation ? Sockets.MSG_NOSIGNAL | Sockets.MSG_WAITALL : Sockets.MSG_NOSIGNAL;
        boolean queued = zeroCopy.takes(op) ? zeroCopy.queue(sq, op, flags, userData)
                : sq.prepare(op.opcode(), op.fd(), op.address(), op.length(), op.offset(), flags, userData);
        if (!queued) {
            throw new IllegalStateException("SQ full right after making room");
        }
        if (fileSlot >= 0) {
            sq.useFixedFile(fileSlot);
        }
        updateArmed();
    }

    /** A multishot request keeps its slot until its final completion ({@link Multishots}). */
    private void startMultishot(Multishot m) {
        if (!multishots.admit(m, ring, counters)) {
            m.completeOperation(-Errno.EOPNOTSUPP);
            return;
        }
        int fileSlot = fixedFiles.slotOf(m, poller(), ring);
        long userData = slots.acquire(m);
        operations++;
        if (!multishots.queue(sq, m, userData)) {
            throw new IllegalStateException("SQ full right after making room");
        }
        if (fileSlot >= 0) {
            sq.useFixedFile(fileSlot);
        }
        updateArmed();
    }

    @Override
    protected void releaseFile(FixedFile file) {
        fixedFiles.release(file, poller(), ring);
    }

    @Override
    protected boolean multishotReceive() {
        return !multishots.receiveRefused();
    }

    @Override
    protected boolean multishotAccept() {
        return !multishots.acceptRefused();
    }

    @Override
    protected void arm(Await w) throws IOException {
        if (fallback.isRouted(w.fd())) {
            fallback.arm(w);
            updateArmed();
            return;
        }
        // Make room before taking the slot: a kernel call inside makeRoom() may report lost
        // completions (-EBADR) and release every slot; this await must not be among them.
        while (sq.free() == 0) {
            makeRoom();
        }
        long userData = slots.acquire(w);
        int pollFlags = sys.refusePollAdd(w.fd()) ? UNDEFINED_POLL_FLAG : 0;
        if (!sq.prepare(RingConstants.OP_POLL_ADD, w.fd(), 0L, pollFlags, 0L, w.events(), userData)) {
            throw new IllegalStateException("SQ full right after making room");
        }
        updateArmed();
    }

    @Override
    protected void disarm(Await w) throws IOException {
        long userData = SlotTable.userDataOf(w);
        if (slots.lookup(userData) != w) { // not in the ring: in the epoll fallback
            fallback.disarm(w);
            updateArmed();
            return;
        }
        slots.release(w);
        removePoll(userData);
        updateArmed();
    }

    /** Queues a POLL_REMOVE of the poll {@code userData}. */
    void removePoll(long userData) throws IOException {
        while (!sq.pollRemove(userData, TAG_REMOVE)) {
            makeRoom();
        }
    }

    @Override
    protected void cancel(Operation op) throws IOException {
        if (zeroCopy.cancel(op)) {
            return; // a SEND_ZC past its first CQE: nothing in the kernel to cancel (see ZeroCopySends)
        }
        if (isCancelSubmitted(op) || slotOf(op) < 0 || slots.lookup(SlotTable.userDataOf(op)) != op) {
            return; // asked already, or completed: its final CQE is in (or on its way to) the CQ
        }
        markCancelSubmitted(op);
        while (!sq.cancel(SlotTable.userDataOf(op), TAG_REMOVE)) {
            makeRoom();
        }
    }

    @Override
    protected void cancelFd(int fd) throws IOException {
        IOException[] error = new IOException[1];
        slots.forEach(c -> {
            if (c.fd() != fd || error[0] != null) {
                return;
            }
            try {
                if (c instanceof Operation op) {
                    markCancelledByFd(op); // decided by its final CQE, like any operation
                    cancel(op);
                } else {
                    Await a = (Await) c;
                    a.complete(Completion.CANCELLED);
                    disarm(a);
                }
            } catch (IOException e) {
                error[0] = e;
            }
        });
        fallback.cancelFd(fd);
        updateArmed();
        if (error[0] != null) {
            throw error[0];
        }
    }

    @Override
    protected void submitAndReap(boolean wait) throws IOException {
        int toSubmit = sq.publish();
        if (wait || toSubmit > 0 || ring.deferTaskrun() || ring.taskRunPending()) {
            enter(toSubmit, wait ? 1 : 0);
        }
        reap();
    }

    @Override
    protected void releaseAll(int outcome) {
        if (outcome == Completion.CLOSED && operations > 0) {
            finishOperations();
        }
        slots.forEach(c -> {
            if (c instanceof Operation && outcome != Completion.CLOSED) {
                return; // lost completions: an operation's own CQE is still to come (or was lost with them)
            }
            releaseSlot(c);
            updateArmed(); // before the wakeup, as everywhere
            c.complete(outcome);
        });
        resubmissions.releaseAll(outcome);
        fallback.releaseAll(outcome);
        updateArmed();
    }

    @Override
    protected void close() {
        try {
            if (ring != null) {
                multishots.close(ring);
                ring.close(); // closing the ring fd cancels every request still in the kernel
            }
        } finally {
            fallback.close();
            if (wakeup != null) {
                wakeup.close();
            }
        }
    }

    /**
     * Closing: operations still in the kernel may write their buffers until their final CQE, so
     * they are cancelled and reaped (for at most a second) before the ring goes away.
     */
    private void finishOperations() {
        try {
            slots.forEach(c -> {
                if (c instanceof Operation op) {
                    try {
                        cancel(op);
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
            // closing anyway: the requests left are failed as closed
        }
    }

    private void releaseSlot(Completion c) {
        if (c instanceof Operation) {
            operations--;
        }
        slots.release(c);
    }

    /** The SQ is full: submit what is there and reap, so the kernel frees slots. */
    private void makeRoom() throws IOException {
        enter(sq.publish(), 0);
        reap();
    }

    @Override
    protected void submitAndReapWithin(long timeoutNanos) throws IOException {
        entered(ring.enterTimed(sq.publish(), 1, timeoutNanos)); // -ETIME: the timer's, nothing to reap
        reap();
    }

    private void enter(int toSubmit, int minComplete) throws IOException {
        entered(ring.enter(toSubmit, minComplete));
    }

    /** What {@code io_uring_enter} returned: counted, and the errors that are not waits' handled. */
    private void entered(long r) throws IOException {
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
                // Wake every await so each re-checks its fd; their polls' late CQEs are then stale.
                // The polls themselves are removed (at the end of the next reap, since the SQ may be
                // full here): each holds its file, which would otherwise outlive the fd's close.
                resubmissions.orphanPolls(slots);
                releaseAll(Completion.READY);
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
        for (Multishot m; (m = multishots.takeOverfull()) != null; ) {
            cancel(m); // its thread starts another once it has taken what is queued
        }
        if (wakeup.takeReadNeeded()) {
            queueWakeupRead();
        }
        resubmissions.submit(this);
        if (fallback.dispatchIfReady()) {
            updateArmed();
        }
        if (fallback.takeRingPollNeeded()) {
            while (!sq.pollAdd(fallback.fd(), Poll.POLLIN, TAG_EPOLL)) {
                makeRoom();
            }
        }
    }

    private void updateArmed() {
        counters.set(PollerCounters.ARMED, slots.used() + fallback.armed());
    }

    private void onCompletion(long userData, int res, int flags) {
        counters.add(PollerCounters.COMPLETIONS, 1);
        if (UserData.isTag(userData)) {
            // -ECANCELED: the thread that submitted it exited (see the class comment); submit again.
            if (userData == TAG_WAKEUP) {
                wakeup.onCompletion(res);
            } else if (userData == TAG_EPOLL) {
                fallback.onRingPoll(res);
            }
            return;
        }
        Completion c = slots.lookup(userData);
        if (c == null) {
            counters.add(PollerCounters.STALE, 1);
            return;
        }
        if (c instanceof Multishot m && multishots.onCompletion(m, res, flags)) {
            return; // more to come: it keeps its slot
        }
        if (c instanceof Operation op && zeroCopy.inKernel(op)) {
            res = zeroCopy.onCompletion(op, res, flags); // decided only by its notification
            if (res == ZeroCopySends.NOT_YET) {
                return;
            }
        }
        releaseSlot(c);
        if (res == ZeroCopySends.SEND_AGAIN) {
            resubmissions.refusedZeroCopy((Operation) c);
            updateArmed();
            return;
        }
        if (res == -Errno.ECANCELED && !(c instanceof Operation op && isCancelSubmitted(op)) && c.isPending()) {
            // Nobody here asked: the kernel cancelled it as its submitting thread exited.
            resubmissions.cancelledByKernel(c);
            updateArmed();
            return;
        }
        if (c instanceof Operation op) {
            updateArmed();
            op.completeOperation(res);
            return;
        }
        Await a = (Await) c;
        if (res == -Errno.EINVAL && a.isPending()) {
            fallback.adopt(a); // io_uring cannot poll this fd's file type: epoll can
            updateArmed();
        } else {
            updateArmed(); // before the wakeup: a woken thread never sees itself counted as armed
            a.completeFromResult(res);
        }
    }

    private void queueWakeupRead() throws IOException {
        while (!wakeup.queueRead(sq)) {
            makeRoom();
        }
    }
}
