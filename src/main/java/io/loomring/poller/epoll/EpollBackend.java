package io.loomring.poller.epoll;

import io.loomring.ffm.Epoll;
import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.poller.Await;
import io.loomring.poller.PollerBackend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The epoll backend: the kernel side in an {@link EpollInterest}, per-fd {@code EPOLLONESHOT}
 * registrations whose data word carries a generation, so events for a replaced registration are
 * dropped and counted as stale. The wakeup eventfd sits in the same epoll set, level-triggered, and
 * is drained when it fires. It runs no ring operations.
 *
 * <p>Counters: {@code enters} counts {@code epoll_wait} calls, {@code submitted} counts
 * {@code epoll_ctl} calls, {@code completions} counts events.
 */
public final class EpollBackend extends PollerBackend {
    /** Data word of the wakeup eventfd's registration. */
    private static final long TAG_WAKEUP = 0x8000_0000_0000_0001L;
    private static final int MAX_EVENTS = 512;

    private final EpollSyscalls sys;
    private final EpollInterest.TagHandler onTag = this::onTag;
    private EpollInterest interest;
    private Arena arena;
    private MemorySegment drainBuffer;
    private MemorySegment capture;
    private int wakeFd;

    /** @param sys the epoll calls (the kernel, or a test's fault injector) */
    public EpollBackend(EpollSyscalls sys) {
        this.sys = sys;
    }

    @Override
    protected String name() {
        return "epoll";
    }

    @Override
    protected int kernelFd() {
        return interest.fd();
    }

    @Override
    protected void open(int wakeFd, boolean subPoller) throws IOException {
        EpollInterest set = EpollInterest.open(sys, counters, MAX_EVENTS);
        try {
            set.addTagged(wakeFd, Epoll.EPOLLIN, TAG_WAKEUP);
            arena = Arena.ofShared();
        } catch (IOException | RuntimeException e) {
            set.close();
            throw e;
        }
        interest = set;
        drainBuffer = arena.allocate(8, 8);
        capture = Native.newCaptureState(arena);
        this.wakeFd = wakeFd;
    }

    @Override
    protected void arm(Await a) {
        interest.arm(a);
    }

    @Override
    protected void disarm(Await a) {
        interest.disarm(a);
    }

    @Override
    protected void cancelFd(int fd) {
        interest.cancelFd(fd);
    }

    @Override
    protected void submitAndReap(boolean wait) throws IOException {
        interest.poll(wait ? -1 : 0, onTag);
    }

    @Override
    protected void submitAndReapWithin(long timeoutNanos) throws IOException {
        // epoll_wait counts milliseconds: rounded up, so a timer is never found early and waited for again.
        interest.poll((int) Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999) / 1_000_000), onTag);
    }

    @Override
    protected void releaseAll(int outcome) {
        if (interest != null) {
            interest.releaseAll(outcome);
        }
    }

    @Override
    protected void close() {
        try {
            if (interest != null) {
                interest.close();
            }
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    /** The wakeup eventfd fired: reset it, or it would fire again at once (level-triggered). */
    private void onTag(long tag, int events) throws IOException {
        if (tag != TAG_WAKEUP) {
            throw new IllegalStateException("unknown epoll tag 0x" + Long.toHexString(tag));
        }
        long r = LibC.read(capture, wakeFd, drainBuffer, 8);
        if (r < 0 && r != -Errno.EAGAIN && r != -Errno.EINTR) {
            throw new IOException("reading the wakeup eventfd failed: " + Errno.describe((int) -r));
        }
    }
}
