package io.loomring.ffm;

import java.lang.foreign.MemorySegment;

/**
 * The epoll system calls. Like {@link IoUringSyscalls}, this interface is the seam where tests
 * inject kernel failures (for example {@code epoll_wait} starting to fail); production code uses
 * {@link #kernel()}.
 *
 * <p>Every method returns the kernel's result: non-negative on success, {@code -errno} on failure.
 * The errno is captured per calling thread.
 */
public interface EpollSyscalls {
    /** {@code epoll_create1(flags)}: the new epoll fd, or {@code -errno}. */
    int create(int flags);

    /** {@code epoll_ctl(epfd, op, fd, event)}; {@code event} holds one packed {@code epoll_event}. */
    int ctl(int epfd, int op, int fd, MemorySegment event);

    /** {@code epoll_wait(epfd, events, maxEvents, timeoutMillis)}: the number of events, or {@code -errno}. */
    int await(int epfd, MemorySegment events, int maxEvents, int timeoutMillis);

    /** The real system calls. */
    static EpollSyscalls kernel() {
        return KernelEpollSyscalls.INSTANCE;
    }
}

/** The real epoll calls through {@link Epoll}, errno captured in the calling thread's segment. */
final class KernelEpollSyscalls implements EpollSyscalls {
    static final KernelEpollSyscalls INSTANCE = new KernelEpollSyscalls();

    @Override
    public int create(int flags) {
        return Epoll.create(Native.threadCaptureState(), flags);
    }

    @Override
    public int ctl(int epfd, int op, int fd, MemorySegment event) {
        return Epoll.ctl(Native.threadCaptureState(), epfd, op, fd, event);
    }

    @Override
    public int await(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        return Epoll.await(Native.threadCaptureState(), epfd, events, maxEvents, timeoutMillis);
    }
}
