package io.loomring.poller.uring;

import io.loomring.poller.Await;
import io.loomring.poller.BackendAccess;
import io.loomring.poller.Completion;
import io.loomring.poller.Operation;
import io.loomring.poller.PollerCounters;
import java.io.IOException;
import java.util.ArrayList;

/**
 * What the io_uring backend submits again once a reap has drained the completion queue (not from
 * inside the completion handler, which cannot make room in a full SQ): requests the kernel
 * cancelled when the thread that submitted them exited (see the package comment), sends the kernel
 * refused as {@code SEND_ZC} (they go as {@code SEND}, see {@link ZeroCopySends}), and the removal
 * of polls whose awaits lost completions ({@code EBADR}) woke. Poller thread only.
 */
final class Resubmissions extends BackendAccess {
    private final PollerCounters counters;
    /** Requests the kernel cancelled when the thread that submitted them exited. */
    private final ArrayList<Completion> cancelledByKernel = new ArrayList<>();
    /** Sends the kernel refused as SEND_ZC, their slots released. */
    private final ArrayList<Operation> refusedZeroCopy = new ArrayList<>();
    /** user_data of polls still in the kernel whose awaits an EBADR woke. */
    private final ArrayList<Long> orphanedPolls = new ArrayList<>();

    Resubmissions(PollerCounters counters) {
        this.counters = counters;
    }

    /** {@code c} completed with {@code -ECANCELED} though nobody asked: submit it again. */
    void cancelledByKernel(Completion c) {
        cancelledByKernel.add(c);
    }

    /** The kernel refused {@code op} as SEND_ZC, having sent nothing: start it again (as SEND). */
    void refusedZeroCopy(Operation op) {
        refusedZeroCopy.add(op);
    }

    /** An EBADR woke every await in {@code slots}: their polls, still in the kernel, are to be removed. */
    void orphanPolls(SlotTable slots) {
        slots.forEach(c -> {
            if (c instanceof Await) {
                orphanedPolls.add(SlotTable.userDataOf(c));
            }
        });
    }

    /**
     * Submits everything listed. Each is taken off its list first: submitting may make room in the
     * SQ, which reaps, which gets here again.
     */
    void submit(IoUringBackend backend) throws IOException {
        while (!refusedZeroCopy.isEmpty()) {
            backend.start(refusedZeroCopy.removeLast());
        }
        while (!cancelledByKernel.isEmpty()) {
            Completion c = cancelledByKernel.removeLast();
            if (c.isPending()) {
                counters.add(PollerCounters.RESUBMITTED, 1);
                setSlot(c, NOT_ARMED);
                switch (c) {
                    case Await a -> backend.arm(a);
                    case Operation op -> backend.start(op);
                }
            }
        }
        while (!orphanedPolls.isEmpty()) {
            backend.removePoll(orphanedPolls.removeLast());
        }
    }

    /**
     * The backend decides {@code outcome} for everything: what is listed is not in the kernel now.
     * A poll is woken like the armed ones; an operation is only failed by closing (after lost
     * completions it is armed again, its request having moved nothing).
     */
    void releaseAll(int outcome) {
        for (int i = cancelledByKernel.size() - 1; i >= 0; i--) {
            Completion c = cancelledByKernel.get(i);
            if (!(c instanceof Operation) || outcome == Completion.CLOSED) {
                cancelledByKernel.remove(i);
                c.complete(outcome);
            }
        }
        if (outcome == Completion.CLOSED) {
            refusedZeroCopy.forEach(op -> op.complete(outcome));
            refusedZeroCopy.clear();
        }
    }
}
