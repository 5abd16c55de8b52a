package io.loomring.nio;

import io.loomring.EventFd;
import io.loomring.ffm.Epoll;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Poll;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;

/**
 * The kernel side of one {@link LoomringSelector}: a level-triggered epoll set, the eventfd that
 * ends a wait on it ({@code wakeup()}), and the native event array {@code epoll_wait} fills.
 *
 * <p>Every {@code epoll_ctl} and the close of the epoll fd run under this object's monitor, which
 * also guards each key's kernel state ({@link LoomringSelectionKey#kernelEvents},
 * {@link LoomringSelectionKey#dropped}). So a channel's close ({@link #drop}) on any thread is
 * ordered against the selecting thread's updates: once a key is dropped no {@code epoll_ctl}
 * names its fd again, and none ever reaches an epoll fd number that was closed and reused.
 * {@code epoll_wait} runs without the monitor, on the selecting thread only; the selector closes
 * this set only once no select is in progress.
 *
 * <p>The data word of a key's event is its id ({@link KeyTable}), never the fd number, and that of
 * the eventfd is {@link #WAKEUP_DATA}, which no id equals.
 */
final class EpollSet {
    /** Events one {@code epoll_wait} returns at most; level-triggered, the rest come next time. */
    static final int MAX_EVENTS = 256;
    /** The data word of the wakeup eventfd's event. */
    static final long WAKEUP_DATA = -1L;

    private final int epfd;
    private final EventFd wakeupFd;
    /** malloc'd: MAX_EVENTS events for the selecting thread, then one for epoll_ctl (under the monitor). */
    private final long memory;
    private final MemorySegment events;
    private final MemorySegment ctlEvent;
    private boolean closed; // guarded by this
    /** {@code epoll_ctl} calls on keys so far, for tests of what an interest change costs; guarded by this. */
    private long keyCtls;

    private EpollSet(int epfd, EventFd wakeupFd, long memory) {
        this.epfd = epfd;
        this.wakeupFd = wakeupFd;
        this.memory = memory;
        MemorySegment all = MemorySegment.ofAddress(memory).reinterpret((MAX_EVENTS + 1) * Epoll.EVENT_SIZE);
        this.events = all.asSlice(0, MAX_EVENTS * Epoll.EVENT_SIZE);
        this.ctlEvent = all.asSlice(MAX_EVENTS * Epoll.EVENT_SIZE, Epoll.EVENT_SIZE);
    }

    /** Creates the epoll set with the wakeup eventfd in it; releases what it made when a step fails. */
    static EpollSet open() throws IOException {
        MemorySegment capture = Native.threadCaptureState();
        int epfd = Epoll.create(capture, LibC.O_CLOEXEC);
        if (epfd < 0) {
            throw new IOException("epoll_create1 failed: " + Errno.describe(-epfd));
        }
        EventFd wakeup = null;
        long memory = 0;
        try {
            wakeup = EventFd.open();
            memory = LibC.malloc((MAX_EVENTS + 1) * Epoll.EVENT_SIZE);
            EpollSet set = new EpollSet(epfd, wakeup, memory);
            int r = set.ctl(Epoll.EPOLL_CTL_ADD, wakeup.fd(), Epoll.EPOLLIN, WAKEUP_DATA);
            if (r < 0) {
                throw new IOException("epoll_ctl(ADD eventfd) failed: " + Errno.describe(-r));
            }
            return set;
        } catch (IOException | RuntimeException | Error e) {
            if (memory != 0) {
                LibC.free(memory);
            }
            if (wakeup != null) {
                wakeup.close();
            }
            LibC.close(capture, epfd);
            throw e;
        }
    }

    /** The epoll fd, for a virtual thread to await through the scheduler. */
    int fd() {
        return epfd;
    }

    /** Ends a wait in progress (or makes the next one return): one eventfd write. */
    void signal() {
        try {
            wakeupFd.signal();
        } catch (ClosedChannelException closed) {
            // the selector closed: nobody waits any more
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal the selector's eventfd", e); // the counter cannot fill
        }
    }

    /** Resets the eventfd after its event was seen, so the next wait blocks again. */
    void drainSignals() throws IOException {
        wakeupFd.drain();
    }

    /**
     * Makes the kernel watch {@code key}'s fd for {@code pollEvents} (its interest; 0: not at all),
     * with as few {@code epoll_ctl} calls as selector-driven servers allow; nothing once the key is
     * dropped or this set is closed. Such servers take read interest away when a key is selected
     * and give it back once their handler has read the request and found no more. Two rules save
     * the calls that pair would cost:
     * <ul>
     *   <li>Read interest taken away is kept in the kernel: by the time it comes back the fd is
     *       mostly not readable, and nothing was to be done. Should the fd be readable meanwhile
     *       (the handler slower than the selector), the select that sees the event finds it
     *       unwanted and narrows the watch then ({@link #narrow}), which is what the eager change
     *       would have cost. Dropped writability is applied at once: a socket is writable nearly
     *       always, so a kept {@code POLLOUT} would end the next wait for nothing.
     *   <li>A key that had such an unwanted event is watched one-shot from then on
     *       ({@code EPOLLONESHOT}): its next event disarms it in the kernel, so taking interest
     *       away costs nothing and giving it back one call, against two when the unwanted event
     *       comes every time. A disarmed key whose interest stays is re-armed at the next select
     *       (as level-triggering wants), and level-triggered again, since that costs it nothing per
     *       event.
     * </ul>
     *
     * @throws IOException if the kernel refuses to add or modify the fd
     */
    synchronized void apply(LoomringSelectionKey key, int pollEvents) throws IOException {
        if (closed || key.dropped) {
            return;
        }
        if (key.inSet && key.kernelEvents == 0) { // one-shot, disarmed by its last event
            if (pollEvents == 0) {
                key.idleSinceEvent = true;
                return;
            }
            key.oneShot = key.idleSinceEvent; // interest stayed: level-triggered is cheaper for it
            set(key, Epoll.EPOLL_CTL_MOD, pollEvents);
            return;
        }
        int dropped = key.kernelEvents & ~pollEvents;
        if (pollEvents == key.kernelEvents || (dropped == Poll.POLLIN && (pollEvents & ~key.kernelEvents) == 0)) {
            return;
        }
        set(key, !key.inSet ? Epoll.EPOLL_CTL_ADD : pollEvents == 0 ? Epoll.EPOLL_CTL_DEL : Epoll.EPOLL_CTL_MOD, pollEvents);
    }

    /**
     * Records that {@code key}'s fd had an event in the last wait: a one-shot entry is disarmed by
     * it.
     *
     * @return true when it was, and the key must pass {@link #apply} at the next select
     */
    boolean delivered(LoomringSelectionKey key) {
        if (!key.oneShot) {
            return false; // level-triggered, the common case: no monitor on the event loop's path
        }
        synchronized (this) {
            if (!key.inSet || key.dropped || key.kernelEvents == 0) {
                return false;
            }
            key.kernelEvents = 0;
            key.idleSinceEvent = false;
            return true;
        }
    }

    /**
     * Makes the kernel stop watching for what {@code key} no longer wants ({@code pollEvents}, its
     * current interest) after an event of it came that its interest does not select, and watches
     * it one-shot from then on.
     *
     * @return true when the kernel watched more than {@code pollEvents} (the event came of that
     *     and means nothing), false when the watch was exact (or the key is gone)
     * @throws IOException if the kernel refuses to modify the fd
     */
    synchronized boolean narrow(LoomringSelectionKey key, int pollEvents) throws IOException {
        if (closed || key.dropped || (key.kernelEvents & ~pollEvents) == 0) {
            return false;
        }
        key.oneShot = true;
        set(key, pollEvents == 0 ? Epoll.EPOLL_CTL_DEL : Epoll.EPOLL_CTL_MOD, pollEvents);
        return true;
    }

    private void set(LoomringSelectionKey key, int op, int pollEvents) throws IOException {
        keyCtls++;
        int flags = key.oneShot && op != Epoll.EPOLL_CTL_DEL ? Epoll.EPOLLONESHOT : 0;
        int r = ctl(op, key.fdNumber, pollEvents | flags, key.id);
        if (r < 0 && op != Epoll.EPOLL_CTL_DEL) {
            throw new IOException("epoll_ctl(" + (op == Epoll.EPOLL_CTL_ADD ? "ADD" : "MOD") + ", fd "
                    + key.fdNumber + ") failed: " + Errno.describe(-r));
        }
        key.kernelEvents = pollEvents;
        key.inSet = op != Epoll.EPOLL_CTL_DEL;
    }

    /**
     * Removes {@code key}'s fd from the set for good: its channel is about to close the fd, or the
     * key is deregistered. Idempotent; later {@link #apply}s of the key do nothing.
     */
    synchronized void drop(LoomringSelectionKey key) {
        if (key.dropped) {
            return;
        }
        key.dropped = true;
        if (!closed && key.inSet) {
            ctl(Epoll.EPOLL_CTL_DEL, key.fdNumber, 0, 0); // ENOENT and the like: already gone
        }
        key.kernelEvents = 0;
        key.inSet = false;
    }

    /** The {@code epoll_ctl} calls made for keys so far. */
    synchronized long keyCtls() {
        return keyCtls;
    }

    /**
     * {@code epoll_wait} with {@code timeoutMillis} (-1: no limit, 0: a check); selecting thread
     * only. The events stay readable through {@link #data} and {@link #mask} until the next wait.
     *
     * @return the number of events, or {@code -errno} ({@code -EINTR} when a signal interrupted it)
     */
    int await(int timeoutMillis) {
        return Epoll.await(Native.threadCaptureState(), epfd, events, MAX_EVENTS, timeoutMillis);
    }

    /** The data word of event {@code i} of the last wait. */
    long data(int i) {
        return Epoll.eventData(events, i);
    }

    /** The event mask of event {@code i} of the last wait. */
    int mask(int i) {
        return Epoll.eventMask(events, i);
    }

    /**
     * Closes the epoll fd and the eventfd and frees the event array; the selector calls it once no
     * select is in progress. Idempotent.
     */
    void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            LibC.close(Native.threadCaptureState(), epfd);
        }
        LibC.free(memory);
        wakeupFd.close();
    }

    private int ctl(int op, int fd, int pollEvents, long data) {
        // poll(2) and epoll share the bit values of IN, OUT, ERR and HUP; no EPOLLET: level-triggered
        // (or one-shot, which the selector re-arms while the interest stays).
        Epoll.setEvent(ctlEvent, 0, pollEvents, data);
        return Epoll.ctl(Native.threadCaptureState(), epfd, op, fd, ctlEvent);
    }
}
