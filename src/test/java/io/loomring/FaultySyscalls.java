package io.loomring;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.ring.RingConstants;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Syscall layers that play a hostile kernel for tests: they call the real kernel, except where a
 * test asked for a failure.
 */
final class FaultySyscalls {
    private FaultySyscalls() {}

    /** io_uring calls with injectable failures. */
    static final class Uring implements IoUringSyscalls {
        private final IoUringSyscalls kernel = IoUringSyscalls.kernel();
        /** {@code io_uring_setup} returns this (negative errno) instead of calling the kernel, if non-zero. */
        volatile int setupErrno;
        /** After a real setup, the feature bits in params are ANDed with this. */
        volatile int keepFeatures = -1;
        /** {@code io_uring_enter} returns this (negative errno) instead of calling the kernel, if non-zero. */
        volatile int enterErrno;
        final AtomicInteger setupCalls = new AtomicInteger();
        /** fds whose POLL_ADD completions are turned into -EINVAL. */
        final Set<Integer> refusedFds = ConcurrentHashMap.newKeySet();
        final AtomicInteger refusals = new AtomicInteger();

        @Override
        public long setup(MemorySegment capture, int entries, MemorySegment params) {
            setupCalls.incrementAndGet();
            if (setupErrno != 0) {
                return -setupErrno;
            }
            long fd = kernel.setup(capture, entries, params);
            if (fd >= 0) {
                int features = params.get(ValueLayout.JAVA_INT, RingConstants.PARAMS_FEATURES);
                params.set(ValueLayout.JAVA_INT, RingConstants.PARAMS_FEATURES, features & keepFeatures);
            }
            return fd;
        }

        /** The next {@code io_uring_enter} returns this (negative errno) instead of calling the kernel, if non-zero. */
        final AtomicInteger enterErrnoOnce = new AtomicInteger();

        /** {@code io_uring_enter} throws this instead of calling the kernel, if non-null. */
        volatile RuntimeException enterThrows;

        @Override
        public long enter(MemorySegment capture, int fd, int toSubmit, int minComplete, int flags, MemorySegment arg,
                          long argSize) {
            RuntimeException x = enterThrows;
            if (x != null) {
                throw x;
            }
            int once = enterErrnoOnce.getAndSet(0);
            if (once != 0) {
                return -once;
            }
            int e = enterErrno;
            return e != 0 ? -e : kernel.enter(capture, fd, toSubmit, minComplete, flags, arg, argSize);
        }

        /** {@code io_uring_register} throws this instead of calling the kernel, if non-null. */
        volatile RuntimeException registerThrows;

        /** {@code io_uring_register} with this opcode answers {@link #refusedRegisterErrno}, if it is non-zero. */
        volatile int refusedRegisterOpcode = -1;
        volatile int refusedRegisterErrno;

        @Override
        public long register(MemorySegment capture, int fd, int opcode, MemorySegment arg, int nrArgs) {
            RuntimeException x = registerThrows;
            if (x != null) {
                throw x;
            }
            if (opcode == refusedRegisterOpcode && refusedRegisterErrno != 0) {
                return -refusedRegisterErrno;
            }
            return kernel.register(capture, fd, opcode, arg, nrArgs);
        }

        /** SEND_ZC requests go with an undefined opcode, so the kernel answers -EINVAL as one older than 6.0. */
        volatile boolean refuseSendZeroCopy;

        @Override
        public boolean refuseSendZeroCopy() {
            return refuseSendZeroCopy;
        }

        @Override
        public boolean refusePollAdd(int fd) {
            if (refusedFds.contains(fd)) {
                refusals.incrementAndGet();
                return true;
            }
            return false;
        }
    }

    /** epoll calls with an injectable {@code epoll_wait} failure. */
    static final class Epoll implements EpollSyscalls {
        private final EpollSyscalls kernel = EpollSyscalls.kernel();
        /** {@code epoll_wait} returns this (negative errno) instead of calling the kernel, if non-zero. */
        volatile int waitErrno;

        @Override
        public int create(MemorySegment capture, int flags) {
            return kernel.create(capture, flags);
        }

        /** {@code epoll_ctl} throws this instead of calling the kernel, if non-null. */
        volatile RuntimeException ctlThrows;

        @Override
        public int ctl(MemorySegment capture, int epfd, int op, int fd, MemorySegment event) {
            RuntimeException x = ctlThrows;
            if (x != null) {
                throw x;
            }
            return kernel.ctl(capture, epfd, op, fd, event);
        }

        /** {@code epoll_wait} throws this instead of calling the kernel, if non-null. */
        volatile RuntimeException waitThrows;

        @Override
        public int await(MemorySegment capture, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
            RuntimeException x = waitThrows;
            if (x != null) {
                throw x;
            }
            int e = waitErrno;
            return e != 0 ? -e : kernel.await(capture, epfd, events, maxEvents, timeoutMillis);
        }
    }
}
