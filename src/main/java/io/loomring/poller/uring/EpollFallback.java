package io.loomring.poller.uring;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.Errno;
import io.loomring.poller.Await;
import io.loomring.poller.PollerCounters;
import io.loomring.poller.epoll.EpollInterest;
import java.io.IOException;
import java.util.BitSet;

/**
 * The io_uring poller's per-fd fallback to epoll (libev's idea): when a {@code POLL_ADD} completes
 * with {@code -EINVAL} (the fd's file type cannot be polled by io_uring), the await moves to an
 * epoll set owned by the same poller thread, and so do later awaits on that fd number, without a
 * {@code POLL_ADD} attempt, until {@code cancel(fd)} on it (the documented step before closing an
 * fd, so the number's next file gets io_uring again). A file change under the fd number without
 * cancel stays on epoll, which handles any pollable file correctly.
 *
 * <p>The epoll set is created on first use and its fd is itself polled from the ring (a oneshot
 * {@code POLL_ADD}, re-armed after each dispatch), so the poller still sleeps in one place. The
 * awaiting thread never notices: it wakes with the same outcomes. Poller thread only.
 */
final class EpollFallback implements AutoCloseable {
    private static final int MAX_EVENTS = 64;

    private final PollerCounters counters;
    private final EpollSyscalls sys;
    private final BitSet routed = new BitSet();
    private final EpollInterest.TagHandler noTags = (tag, events) -> {
        throw new IllegalStateException("unexpected tag in the fallback epoll set: " + tag);
    };
    private EpollInterest interest;
    /** The ring's oneshot poll on the epoll fd is in the kernel. */
    private boolean ringPollArmed;
    /** That poll fired: the epoll set has events to dispatch. */
    private boolean ready;

    EpollFallback(PollerCounters counters, EpollSyscalls sys) {
        this.counters = counters;
        this.sys = sys;
    }

    /** True once the epoll set exists (its fd must then be polled from the ring). */
    boolean isOpen() {
        return interest != null;
    }

    /** The epoll set's fd; only when {@link #isOpen()}. */
    int fd() {
        return interest.fd();
    }

    /** True when awaits on {@code fd} go to epoll. */
    boolean isRouted(int fd) {
        return routed.get(fd);
    }

    /** Takes over a pending await whose {@code POLL_ADD} the kernel refused with EINVAL. */
    void adopt(Await a) {
        if (interest == null) {
            try {
                interest = EpollInterest.open(sys, counters, MAX_EVENTS);
            } catch (IOException e) {
                a.fail(Errno.EINVAL); // no epoll either: report the original refusal
                return;
            }
        }
        routed.set(a.fd());
        interest.arm(a);
    }

    /** Arms an await on a routed fd. */
    void arm(Await a) {
        interest.arm(a);
    }

    /** Forgets an await linked here whose outcome was decided elsewhere. */
    void disarm(Await a) {
        interest.disarm(a);
    }

    /** Cancels the awaits on {@code fd} linked here and gives the fd number back to io_uring. */
    void cancelFd(int fd) {
        routed.clear(fd);
        if (interest != null) {
            interest.cancelFd(fd);
        }
    }

    /** Dispatches the ready events without waiting (the ring said the epoll fd is readable). */
    void dispatch() throws IOException {
        if (interest != null) {
            interest.poll(0, noTags);
        }
    }

    /** The ring's poll on the epoll fd completed with {@code res}; throws when the ring cannot poll it. */
    void onRingPoll(int res) {
        if (res < 0 && res != -Errno.ECANCELED) { // cancelled: its submitter exited; polled again below
            throw new IllegalStateException("polling the fallback epoll set failed: " + Errno.describe(-res));
        }
        ringPollArmed = false;
        ready = res >= 0;
    }

    /** After a reap: dispatches the events if the ring's poll fired; true when it did. */
    boolean dispatchIfReady() throws IOException {
        if (!ready) {
            return false;
        }
        ready = false;
        dispatch();
        return true;
    }

    /**
     * True when the ring must poll the epoll fd (again): the set exists and no poll is in the
     * kernel. The caller submits it; this marks it armed. Oneshot and level-checked: events left
     * over after a dispatch fire it again at once.
     */
    boolean takeRingPollNeeded() {
        if (interest == null || ringPollArmed) {
            return false;
        }
        ringPollArmed = true;
        return true;
    }

    /** Decides {@code outcome} for every await linked here. */
    void releaseAll(int outcome) {
        if (interest != null) {
            interest.releaseAll(outcome);
        }
    }

    /** Awaits linked here. */
    int armed() {
        return interest == null ? 0 : interest.armed();
    }

    @Override
    public void close() {
        if (interest != null) {
            interest.close();
        }
    }
}
