package io.loomring.nio;

import io.loomring.IoScheduler;
import io.loomring.poller.WakeupLatch;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link Selector} on a level-triggered epoll set of its own ({@link EpollSet}), with the JDK's
 * semantics: a select deregisters cancelled keys, applies queued interest changes, waits, again
 * deregisters the keys cancelled meanwhile, then updates ready sets (a key already selected gains
 * the new ready ops, another is added with them; the count is of keys updated).
 *
 * <p>What reaches the kernel is less than the interest changes: most selector loops take read
 * interest away and give it back once per request, and {@link EpollSet#apply} saves the
 * {@code epoll_ctl} calls that would cost (read interest kept until an event shows it unwanted,
 * one-shot entries for keys whose handlers are slower than the selector). An event the interest
 * does not select is then not a key's event: the select goes on waiting, as if the kernel had
 * never reported it. A one-shot entry its event disarmed is re-armed by the next select while the
 * interest stays, so every select still reports a key that is ready, as level-triggering does.
 *
 * <p>Where it waits ({@link SelectWait}): a virtual thread parks on the epoll fd through the
 * scheduler, so it holds no carrier while it waits; a platform thread blocks in {@code epoll_wait}.
 * {@link #wakeup()} ends the wait with an eventfd write only when a select is in progress, and
 * otherwise is remembered for the next select ({@link WakeupLatch}); an interrupt wakes the select
 * the same way (through {@link AbstractSelector#begin()}) and leaves the interrupt status set.
 *
 * <p>Locks, as the {@link Selector} javadoc specifies: a select holds the selector's monitor, then
 * the selected-key set's; close takes both after waking the select, and so waits for it.
 */
final class LoomringSelector extends AbstractSelector {
    private final EpollSet kernel;
    private final SelectWait waiter;
    private final WakeupLatch wakeups = new WakeupLatch();
    private final KeyTable table = new KeyTable(); // guarded by this
    /** Registered keys: concurrent, since register runs on any thread while a select iterates. */
    private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    private final Set<SelectionKey> selectedKeys = new HashSet<>();
    private final Set<SelectionKey> publicSelectedKeys = new UngrowableSet<>(selectedKeys);
    /** Keys whose interest set changed since the last select; guarded by itself. */
    private final ArrayDeque<LoomringSelectionKey> updates = new ArrayDeque<>();
    /** Keys whose one-shot entry the last wait disarmed; the next select re-arms those still interested. Selecting thread. */
    private final ArrayList<LoomringSelectionKey> rearm = new ArrayList<>();
    private boolean inSelect; // guarded by this
    /** Whether the last {@link #processEvents} saw an event of a key (not only the eventfd's); guarded by this. */
    private boolean sawKeyEvents;

    LoomringSelector(LoomringSelectorProvider provider, IoScheduler scheduler) throws IOException {
        super(provider);
        this.kernel = EpollSet.open();
        this.waiter = new SelectWait(kernel, scheduler, wakeups);
    }

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return publicSelectedKeys;
    }

    @Override
    public int selectNow() throws IOException {
        return lockAndSelect(null, 0);
    }

    @Override
    public int select(long timeout) throws IOException {
        return lockAndSelect(null, checkTimeout(timeout));
    }

    @Override
    public int select() throws IOException {
        return lockAndSelect(null, -1);
    }

    @Override
    public int select(Consumer<SelectionKey> action, long timeout) throws IOException {
        Objects.requireNonNull(action, "action");
        return lockAndSelect(action, checkTimeout(timeout));
    }

    @Override
    public int select(Consumer<SelectionKey> action) throws IOException {
        Objects.requireNonNull(action, "action");
        return lockAndSelect(action, -1);
    }

    @Override
    public int selectNow(Consumer<SelectionKey> action) throws IOException {
        Objects.requireNonNull(action, "action");
        return lockAndSelect(action, 0);
    }

    @Override
    public Selector wakeup() {
        if (wakeups.wakeup()) {
            kernel.signal();
        }
        return this;
    }

    @Override
    protected void implCloseSelector() throws IOException {
        wakeup(); // ends a select in progress, whose monitor close then takes
        synchronized (this) {
            synchronized (publicSelectedKeys) {
                kernel.close();
                for (SelectionKey k : keys) {
                    forget((LoomringSelectionKey) k);
                }
                keys.clear();
                selectedKeys.clear();
                Set<SelectionKey> cancelled = cancelledKeys();
                synchronized (cancelled) {
                    cancelled.clear();
                }
            }
        }
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object attachment) {
        if (!(ch instanceof SelectableFd fd)) {
            throw new IllegalSelectorException();
        }
        ensureOpen();
        LoomringSelectionKey k = new LoomringSelectionKey(this, ch, fd);
        if (attachment != null) {
            k.attach(attachment);
        }
        keys.add(k);
        fd.keys().add(k); // from here the channel's close drops the fd from the epoll set
        try {
            k.interestOps(ops);
        } catch (ClosedSelectorException e) {
            // Closed meanwhile: close may not have seen this key, so undo the registration here.
            keys.remove(k);
            fd.keys().remove(k);
            k.cancel();
            throw e;
        }
        return k;
    }

    /** Queues {@code key}'s new interest set for the next select (any thread). */
    void queueUpdate(LoomringSelectionKey key) {
        ensureOpen();
        synchronized (updates) {
            updates.addLast(key);
        }
    }

    /** The channel of {@code key} is about to close its fd (any thread). */
    void dropFd(LoomringSelectionKey key) {
        kernel.drop(key);
    }

    private int lockAndSelect(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
        synchronized (this) {
            ensureOpen();
            if (inSelect) {
                throw new IllegalStateException("select in progress");
            }
            inSelect = true;
            try {
                synchronized (publicSelectedKeys) {
                    return doSelect(action, timeoutMillis);
                }
            } finally {
                inSelect = false;
            }
        }
    }

    /** One select: {@code timeoutMillis} -1 for none, 0 for a check. */
    private int doSelect(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
        processDeregisterQueue();
        processUpdateQueue();
        boolean blocking = timeoutMillis != 0 && wakeups.beginWait();
        try {
            if (!blocking) {
                return processEvents(kernel.await(0), action);
            }
            long deadline = timeoutMillis > 0 ? SelectWait.deadline(timeoutMillis) : 0;
            begin(); // an interrupt calls wakeup()
            try {
                for (;;) {
                    int n = waiter.await(deadline);
                    int updated = processEvents(n, action);
                    // Only a stale wakeup signal (or nothing) came: wait again, unless something ends the select.
                    if (updated > 0 || sawKeyEvents || wakeups.isWoken() || Thread.currentThread().isInterrupted()
                            || SelectWait.expired(deadline)) {
                        return updated;
                    }
                }
            } finally {
                end();
            }
        } finally {
            wakeups.endWait(); // consumes a wakeup that came before or during this select
        }
    }

    private int processEvents(int n, Consumer<SelectionKey> action) throws IOException {
        processDeregisterQueue();
        sawKeyEvents = false;
        int updated = 0;
        for (int i = 0; i < n; i++) {
            long data = kernel.data(i);
            if (data == EpollSet.WAKEUP_DATA) {
                kernel.drainSignals();
                continue;
            }
            LoomringSelectionKey k = table.get(data);
            if (k == null || !k.isValid()) {
                sawKeyEvents = true;
                continue; // deregistered or cancelled since the fd was added
            }
            int interest = k.currentInterestOps();
            int ready = k.fd.readyOps(kernel.mask(i), interest);
            boolean disarmed = kernel.delivered(k);
            if (disarmed) {
                rearm.add(k);
            }
            if ((ready & interest) == 0 && (disarmed || kernel.narrow(k, pollEvents(k, interest)))) {
                continue; // what the kernel still watched for after the interest dropped it
            }
            sawKeyEvents = true;
            updated += updateReadySet(k, ready, interest, action);
        }
        return updated;
    }

    /** The JDK's ready-set rules; returns 1 when the key counts as updated. */
    private int updateReadySet(LoomringSelectionKey k, int ready, int interest, Consumer<SelectionKey> action) {
        if (action != null) {
            k.setReadyOps(ready);
            if ((ready & interest) == 0) {
                return 0;
            }
            action.accept(k);
            ensureOpen(); // the action may have closed the selector: stop before the freed event array
            return 1;
        }
        if (selectedKeys.contains(k)) {
            int old = k.currentReadyOps();
            if ((ready | old) == old) {
                return 0;
            }
            k.setReadyOps(old | ready);
            return 1;
        }
        k.setReadyOps(ready);
        if ((ready & interest) == 0) {
            return 0;
        }
        selectedKeys.add(k);
        return 1;
    }

    private void processUpdateQueue() throws IOException {
        for (LoomringSelectionKey k : rearm) {
            if (k.isValid()) {
                kernel.apply(k, pollEvents(k, k.currentInterestOps()));
            }
        }
        rearm.clear();
        for (;;) {
            LoomringSelectionKey k;
            synchronized (updates) {
                k = updates.pollFirst();
            }
            if (k == null) {
                return;
            }
            if (!k.isValid()) {
                continue; // cancelled: its deregistration removes it from the kernel
            }
            int events = pollEvents(k, k.currentInterestOps());
            if (k.id < 0 && events != 0) {
                k.id = table.add(k);
            }
            kernel.apply(k, events);
        }
    }

    private static int pollEvents(LoomringSelectionKey k, int ops) {
        return ops == 0 ? 0 : k.fd.pollEvents(ops);
    }

    private void processDeregisterQueue() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            if (cancelled.isEmpty()) {
                return;
            }
            for (Iterator<SelectionKey> i = cancelled.iterator(); i.hasNext(); ) {
                LoomringSelectionKey k = (LoomringSelectionKey) i.next();
                i.remove();
                kernel.drop(k);
                keys.remove(k);
                selectedKeys.remove(k);
                forget(k);
            }
        }
    }

    /** Unlinks a key from the id table and its channel: the channel no longer counts it as registered. */
    private void forget(LoomringSelectionKey k) {
        if (k.id >= 0) {
            table.remove(k.id);
        }
        k.fd.keys().remove(k);
        deregister(k);
    }

    /** The {@code epoll_ctl} calls this selector made for its keys, for tests of what interest changes cost. */
    long kernelCtls() {
        return kernel.keyCtls();
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    private static long checkTimeout(long timeout) {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return timeout == 0 ? -1 : timeout;
    }

    @Override
    public String toString() {
        return "LoomringSelector[epfd=" + kernel.fd() + (isOpen() ? "" : ", closed") + "]";
    }
}
