package io.loomring.poller.epoll;

import io.loomring.ffm.Epoll;
import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.poller.Await;
import io.loomring.poller.BackendAccess;
import io.loomring.poller.Completion;
import io.loomring.poller.GenerationKey;
import io.loomring.poller.PollerCounters;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One epoll set and the awaits armed in it, keyed by fd number: the epoll backend's whole kernel
 * side, and the io_uring backend's per-fd fallback for fds its {@code POLL_ADD} refuses.
 *
 * <h2>Registrations</h2>
 * epoll keeps one registration per (fd number, file), so the awaits on one fd share it: its mask
 * is the union of their events, armed {@code EPOLLONESHOT}. Its data word is
 * {@code fd | generation << 32}, the generation being fresh for every {@code EPOLL_CTL_ADD}. Every
 * arm calls {@code epoll_ctl} (MOD, which also re-checks readiness; or ADD): only the kernel knows
 * whether the fd number still names the same file. MOD failing with {@code ENOENT} means it does
 * not (closed and reused): the next ADD starts a new generation, and the awaits armed on the old
 * file stay parked, as an io_uring poll on a replaced file would, until their timeout, interrupt,
 * {@link #cancelFd} or close; the old registration's events are dropped as stale.
 *
 * <h2>Events</h2>
 * An event wakes the current generation's awaits whose events it carries ({@code EPOLLERR} and
 * {@code EPOLLHUP} wake all of them) and re-arms the registration with MOD for the others. A
 * registration left behind by an await that timed out stays in the set: it fires at most once more
 * (oneshot), for nobody, and epoll drops it by itself when the file closes.
 *
 * <h2>Errors</h2>
 * {@code epoll_ctl} failing with {@code EPERM} means the file cannot be polled (a regular file or a
 * directory); {@code poll(2)} calls such files always ready, so the await is {@link Completion#READY}.
 * Any other error (notably {@code EBADF}) fails the await with that errno.
 *
 * <p>A linked await has slot {@code fd}, the generation of its registration, and is chained to the
 * next await on its fd (its poller-owned fields, reached through {@link BackendAccess}). Linking and
 * unlinking adjust the owner's {@link PollerCounters#ARMED} gauge at once, before any wakeup. Data
 * words with bit 63 set are the owner's own tags ({@link #addTagged}). Poller thread only.
 */
public final class EpollInterest extends BackendAccess implements AutoCloseable {
    /** Receives events whose data word is one of the owner's tags. */
    @FunctionalInterface
    public interface TagHandler {
        /** Handles an event of the registration tagged {@code tag}. */
        void onTag(long tag, int events) throws IOException;
    }

    private static final int WAKE_ALL = Epoll.EPOLLERR | Epoll.EPOLLHUP;

    /** Bookkeeping for one fd number. */
    private static final class FdState {
        Await head;
        /** Generation of the registration for the file the fd number named at the last ADD. */
        int generation;
        /** A registration for the current file is believed to be in the set. */
        boolean registered;
    }

    private final EpollSyscalls sys;
    private final PollerCounters counters;
    private final int epfd;
    private final Arena arena = Arena.ofShared();
    /**
     * errno of this set's calls, made by the poller's thread or a thread it carries, which must not
     * allocate a segment of its own there (see {@code IoUringSyscalls}).
     */
    private final MemorySegment capture;
    private final MemorySegment ctlEvent;
    private final MemorySegment events;
    private final int maxEvents;
    private FdState[] states = new FdState[64];
    private int armed;
    private int lastGeneration;
    private boolean closed;

    private EpollInterest(EpollSyscalls sys, PollerCounters counters, int epfd, int maxEvents) {
        this.sys = sys;
        this.counters = counters;
        this.epfd = epfd;
        this.maxEvents = maxEvents;
        this.ctlEvent = arena.allocate(Epoll.EVENT_SIZE, 8);
        this.capture = Native.newCaptureState(arena);
        this.events = arena.allocate(Epoll.EVENT_SIZE * maxEvents, 8);
    }

    /**
     * Creates an epoll set.
     *
     * @param maxEvents events fetched per {@code epoll_wait}
     * @throws IOException when {@code epoll_create1} fails
     */
    public static EpollInterest open(EpollSyscalls sys, PollerCounters counters, int maxEvents) throws IOException {
        int fd;
        try (Arena once = Arena.ofConfined()) { // not the thread's own: the caller may be a carried thread
            fd = sys.create(Native.newCaptureState(once), LibC.O_CLOEXEC);
        }
        if (fd < 0) {
            throw new IOException("epoll_create1 failed: " + Errno.describe(-fd));
        }
        return new EpollInterest(sys, counters, fd, maxEvents);
    }

    /** The epoll fd. */
    public int fd() {
        return epfd;
    }

    /** Awaits linked now (including those parked on a replaced file). */
    public int armed() {
        return armed;
    }

    /** Adds a level-triggered registration whose events go to the owner's {@link TagHandler}. */
    public void addTagged(int fd, int mask, long tag) throws IOException {
        if (!GenerationKey.isTag(tag)) {
            throw new IllegalArgumentException("tags need bit 63 set");
        }
        int r = ctl(Epoll.EPOLL_CTL_ADD, fd, mask, tag);
        if (r < 0) {
            throw new IOException("epoll_ctl(ADD, " + fd + ") failed: " + Errno.describe(-r));
        }
    }

    /** Arms {@code w}: links it to its fd and (re)arms the fd's registration with the union mask. */
    public void arm(Await w) {
        int fd = w.fd();
        // Look up without growing: the table grows only for an fd the kernel accepted below, so a
        // bogus fd number (say Integer.MAX_VALUE) is an EBADF, not a huge allocation in the poller.
        FdState s = fd < states.length ? states[fd] : null;
        if (s != null && s.registered) {
            int r = ctl(Epoll.EPOLL_CTL_MOD, fd, currentMask(s) | w.events(), dataWord(fd, s.generation));
            if (r == 0) {
                link(s, w);
                return;
            }
            s.registered = false; // ENOENT: another file now; EBADF: none
            if (r != -Errno.ENOENT) {
                reject(w, -r);
                return;
            }
        }
        int generation = nextGeneration(); // earlier awaits on this fd number are left on the old file
        if (s != null) {
            s.generation = generation;
        }
        int r = ctl(Epoll.EPOLL_CTL_ADD, fd, w.events(), dataWord(fd, generation));
        if (r == -Errno.EEXIST) {
            r = ctl(Epoll.EPOLL_CTL_MOD, fd, w.events(), dataWord(fd, generation));
        }
        if (r == 0) {
            s = state(fd); // the fd is open, so its number is below the process's fd limit
            s.generation = generation;
            s.registered = true;
            link(s, w);
        } else {
            reject(w, -r);
        }
    }

    /**
     * Forgets an await whose outcome was decided elsewhere. Its registration stays (see the class
     * comment): the next arm on the fd re-arms it with MOD anyway.
     */
    public void disarm(Await w) {
        FdState s = slotOf(w) >= 0 && slotOf(w) < states.length ? states[slotOf(w)] : null;
        if (s == null || !unlink(s, w)) {
            throw new IllegalStateException("await on fd " + w.fd() + " is not armed in epoll");
        }
    }

    /** Wakes every await on {@code fd} with {@link Completion#CANCELLED} and removes the registration. */
    public void cancelFd(int fd) {
        FdState s = fd < states.length ? states[fd] : null;
        if (s == null) {
            return;
        }
        wakeAll(s, Completion.CANCELLED);
        if (s.registered) {
            s.registered = false;
            ctl(Epoll.EPOLL_CTL_DEL, fd, 0, 0L); // ENOENT or EBADF: the kernel already dropped it
        }
    }

    /** Decides {@code outcome} for every linked await and forgets them all. */
    public void releaseAll(int outcome) {
        for (FdState s : states) {
            if (s != null) {
                wakeAll(s, outcome);
            }
        }
    }

    /**
     * Fetches the ready events, first waiting up to {@code timeoutMillis} until there is one (-1:
     * without limit, 0: not at all), and dispatches them.
     *
     * @return events dispatched
     * @throws IOException when {@code epoll_wait} fails (other than EINTR)
     */
    public int poll(int timeoutMillis, TagHandler tags) throws IOException {
        int n = sys.await(capture, epfd, events, maxEvents, timeoutMillis);
        counters.add(PollerCounters.ENTERS, 1);
        if (n < 0) {
            if (n == -Errno.EINTR) {
                return 0;
            }
            throw new IOException("epoll_wait failed: " + Errno.describe(-n));
        }
        counters.add(PollerCounters.COMPLETIONS, n);
        for (int i = 0; i < n; i++) {
            long data = Epoll.eventData(events, i);
            int mask = Epoll.eventMask(events, i);
            if (GenerationKey.isTag(data)) {
                tags.onTag(data, mask);
            } else {
                onEvent(GenerationKey.index(data), GenerationKey.generation(data), mask);
            }
        }
        return n;
    }

    /** Closes the epoll set (which drops every registration). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(capture, epfd);
            arena.close();
        }
    }

    // ------------------------------------------------------------------------------------------

    private void onEvent(int fd, int generation, int mask) {
        FdState s = fd < states.length ? states[fd] : null;
        if (s == null || !s.registered || s.generation != generation) {
            counters.add(PollerCounters.STALE, 1);
            return;
        }
        // Oneshot: the registration is disabled now. Wake who it was for; re-arm for the rest.
        Await prev = null;
        for (Await w = s.head; w != null; ) {
            Await next = next(w);
            boolean current = generationOf(w) == generation;
            if (current && (mask & (w.events() | WAKE_ALL)) != 0 || !w.isPending()) {
                removeAfter(s, prev, w);
                if (current) {
                    w.complete(Completion.READY);
                }
            } else {
                prev = w;
            }
            w = next;
        }
        int rest = currentMask(s);
        if (rest != 0) {
            int r = ctl(Epoll.EPOLL_CTL_MOD, fd, rest, dataWord(fd, generation));
            if (r != 0) {
                // The fd number no longer names that file: nobody can re-arm it. Tell the rest to
                // retry their syscall, which reports what happened to the fd.
                s.registered = false;
                wakeCurrent(s, r == -Errno.EBADF ? -1 : Completion.READY);
            }
        }
    }

    private FdState state(int fd) {
        if (fd >= states.length) {
            states = Arrays.copyOf(states, Math.max(fd + 1, states.length * 2));
        }
        FdState s = states[fd];
        if (s == null) {
            s = new FdState();
            states[fd] = s;
        }
        return s;
    }

    /** Union of the events of the pending awaits on the current registration. */
    private static int currentMask(FdState s) {
        int mask = 0;
        for (Await w = s.head; w != null; w = next(w)) {
            if (generationOf(w) == s.generation && w.isPending()) {
                mask |= w.events();
            }
        }
        return mask;
    }

    private void link(FdState s, Await w) {
        setSlot(w, w.fd());
        setGeneration(w, s.generation);
        setNextOnFd(w, s.head);
        s.head = w;
        armed++;
        counters.add(PollerCounters.ARMED, 1);
    }

    private boolean unlink(FdState s, Await target) {
        Await prev = null;
        for (Await w = s.head; w != null; prev = w, w = next(w)) {
            if (w == target) {
                removeAfter(s, prev, w);
                return true;
            }
        }
        return false;
    }

    private void removeAfter(FdState s, Await prev, Await w) {
        if (prev == null) {
            s.head = next(w);
        } else {
            setNextOnFd(prev, next(w));
        }
        setNextOnFd(w, null);
        setSlot(w, RELEASED);
        armed--;
        counters.add(PollerCounters.ARMED, -1); // before any wakeup: a woken thread is not counted
    }

    private void wakeAll(FdState s, int outcome) {
        for (Await w = s.head; w != null; ) {
            Await next = next(w);
            removeAfter(s, null, w);
            w.complete(outcome);
            w = next;
        }
    }

    /** Wakes the current generation's awaits: {@code outcome}, or -1 for failed with EBADF. */
    private void wakeCurrent(FdState s, int outcome) {
        Await prev = null;
        for (Await w = s.head; w != null; ) {
            Await next = next(w);
            if (generationOf(w) == s.generation) {
                removeAfter(s, prev, w);
                if (outcome < 0) {
                    w.fail(Errno.EBADF);
                } else {
                    w.complete(outcome);
                }
            } else {
                prev = w;
            }
            w = next;
        }
    }

    private static void reject(Await w, int errno) {
        setSlot(w, RELEASED);
        if (errno == Errno.EPERM) {
            w.complete(Completion.READY); // not pollable: always ready, as poll(2) reports it
        } else {
            w.fail(errno);
        }
    }

    /** The next await on the same fd, or null. */
    private static Await next(Await w) {
        return (Await) nextOnFd(w);
    }

    private int nextGeneration() {
        lastGeneration = GenerationKey.next(lastGeneration);
        return lastGeneration;
    }

    private static long dataWord(int fd, int generation) {
        return GenerationKey.of(fd, generation);
    }

    private int ctl(int op, int fd, int mask, long data) {
        Epoll.setEvent(ctlEvent, 0, op == Epoll.EPOLL_CTL_ADD || op == Epoll.EPOLL_CTL_MOD
                ? mask | (GenerationKey.isTag(data) ? 0 : Epoll.EPOLLONESHOT) : 0, data);
        counters.add(PollerCounters.SUBMITTED, 1);
        return sys.ctl(capture, epfd, op, fd, ctlEvent);
    }
}
