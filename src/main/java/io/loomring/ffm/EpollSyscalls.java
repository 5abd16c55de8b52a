package io.loomring.ffm;

import java.lang.foreign.MemorySegment;

/**
 * The epoll system calls. Like {@link IoUringSyscalls}, this interface is the seam where tests
 * inject kernel failures (for example {@code epoll_wait} starting to fail); production code uses
 * {@link #kernel()}.
 *
 * <p>Every method returns the kernel's result: non-negative on success, {@code -errno} on failure.
 * The errno is captured in the caller's {@code capture} segment: a poller passes its own (see
 * {@link IoUringSyscalls} for why).
 */
public interface EpollSyscalls {
    /** {@code epoll_create1(flags)}: the new epoll fd, or {@code -errno}. */
    int create(MemorySegment capture, int flags);

    /** {@code epoll_ctl(epfd, op, fd, event)}; {@code event} holds one packed {@code epoll_event}. */
    int ctl(MemorySegment capture, int epfd, int op, int fd, MemorySegment event);

    /** {@code epoll_wait(epfd, events, maxEvents, timeoutMillis)}: the number of events, or {@code -errno}. */
    int await(MemorySegment capture, int epfd, MemorySegment events, int maxEvents, int timeoutMillis);

    /** The real system calls. */
    static EpollSyscalls kernel() {
        return KernelEpollSyscalls.INSTANCE;
    }
}

/** The real epoll calls through {@link Epoll}, errno captured in the caller's segment. */
final class KernelEpollSyscalls implements EpollSyscalls {
    static final KernelEpollSyscalls INSTANCE = new KernelEpollSyscalls();

    @Override
    public int create(MemorySegment capture, int flags) {
        return Epoll.create(capture, flags);
    }

    @Override
    public int ctl(MemorySegment capture, int epfd, int op, int fd, MemorySegment event) {
        return Epoll.ctl(capture, epfd, op, fd, event);
    }

    @Override
    public int await(MemorySegment capture, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        return Epoll.await(capture, epfd, events, maxEvents, timeoutMillis);
    }
}
