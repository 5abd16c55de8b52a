package io.loomring.nio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * The registration of one channel with one {@link LoomringSelector}. Its interest set may change
 * on any thread: the change is queued and reaches the kernel at the start of the selector's next
 * select, as with the JDK's selectors (a select in progress is not affected). Its ready set is
 * written by the selecting thread.
 *
 * <p>As the channel's {@link ChannelKeys.Registration}, it removes the fd from the selector's
 * epoll set when the channel closes ({@link #dropFd()}), whichever thread that is.
 */
final class LoomringSelectionKey extends AbstractSelectionKey implements ChannelKeys.Registration {
    private static final VarHandle INTEREST;

    static {
        try {
            INTEREST = MethodHandles.lookup().findVarHandle(LoomringSelectionKey.class, "interestOps", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoomringSelector selector;
    private final SelectableChannel channel;
    /** The channel, as the selector sees it. */
    final SelectableFd fd;
    /** The fd number, read at registration while the channel is open; the kernel knows the fd by it. */
    final int fdNumber;

    private volatile int interestOps;
    private volatile int readyOps;

    /** The id in the selector's {@link KeyTable} and epoll events; -1 until first added. Selecting thread. */
    long id = -1;
    /** The poll events the epoll set will report for this fd (0: none). Guarded by the {@link EpollSet}. */
    int kernelEvents;
    /** True while the fd is in the epoll set (armed, or one-shot and disarmed by its last event). Guarded by the {@link EpollSet}. */
    boolean inSet;
    /**
     * True when the fd's entry is (or is next added) one-shot. Written under the {@link EpollSet}'s
     * monitor by the selecting thread only, which may so read it without the monitor.
     */
    boolean oneShot;
    /** One-shot and disarmed: a select saw the key without interest since its event. Guarded by the {@link EpollSet}. */
    boolean idleSinceEvent;
    /** True once the fd left the epoll set for good. Guarded by the {@link EpollSet}. */
    boolean dropped;

    LoomringSelectionKey(LoomringSelector selector, SelectableChannel channel, SelectableFd fd) {
        this.selector = selector;
        this.channel = channel;
        this.fd = fd;
        this.fdNumber = fd.fdValue();
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interestOps;
    }

    @Override
    public SelectionKey interestOps(int ops) {
        ensureValid();
        checkValidOps(ops);
        int old = (int) INTEREST.getAndSet(this, ops);
        if (old != ops) {
            selector.queueUpdate(this);
        }
        return this;
    }

    @Override
    public int interestOpsOr(int ops) {
        ensureValid();
        checkValidOps(ops);
        int old = (int) INTEREST.getAndBitwiseOr(this, ops);
        if ((old | ops) != old) {
            selector.queueUpdate(this);
        }
        return old;
    }

    @Override
    public int interestOpsAnd(int ops) {
        ensureValid();
        int old = (int) INTEREST.getAndBitwiseAnd(this, ops);
        if ((old & ops) != old) {
            selector.queueUpdate(this);
        }
        return old;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return readyOps;
    }

    /** The interest set without the validity check, for the selecting thread. */
    int currentInterestOps() {
        return interestOps;
    }

    /** The ready set without the validity check, for the selecting thread. */
    int currentReadyOps() {
        return readyOps;
    }

    /** Sets the ready set; selecting thread. */
    void setReadyOps(int ops) {
        readyOps = ops;
    }

    @Override
    public void dropFd() {
        selector.dropFd(this);
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }

    private void checkValidOps(int ops) {
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("ops " + ops + " not in the channel's validOps " + channel.validOps());
        }
    }

    @Override
    public String toString() {
        return "LoomringSelectionKey[channel=" + channel + ", interest=" + interestOps + ", ready=" + readyOps
                + (isValid() ? "" : ", cancelled") + "]";
    }
}
