package io.loomring.ffm;

import java.lang.foreign.MemorySegment;

/**
 * The three io_uring system calls. This interface is the seam where tests inject kernel failures
 * (for example {@code io_uring_setup} returning {@code -EPERM} as under a container's seccomp
 * profile); production code uses {@link #kernel()}.
 *
 * <p>Every method returns the kernel's result: non-negative on success, {@code -errno} on failure.
 * The errno is captured in the caller's {@code capture} segment ({@link Native#newCaptureState}):
 * a ring passes its own, so a carried virtual thread that runs the ring's calls on its carrier
 * never allocates one (a first allocation can wait for a lock, and a virtual thread waiting for a
 * lock leaves its carrier, in the middle of the poller's work).
 */
public interface IoUringSyscalls {
    /** x86_64 (and generic) syscall numbers. */
    long SYS_IO_URING_SETUP = 425;
    long SYS_IO_URING_ENTER = 426;
    long SYS_IO_URING_REGISTER = 427;

    /** {@code io_uring_setup(entries, params)}: the ring fd, or {@code -errno}. */
    long setup(MemorySegment capture, int entries, MemorySegment params);

    /** {@code io_uring_enter(fd, to_submit, min_complete, flags, arg, argsz)}. */
    long enter(MemorySegment capture, int fd, int toSubmit, int minComplete, int flags, MemorySegment arg,
               long argSize);

    /** {@code io_uring_register(fd, opcode, arg, nr_args)}. */
    long register(MemorySegment capture, int fd, int opcode, MemorySegment arg, int nrArgs);

    /**
     * Test seam, not a system call: true makes the poller submit the {@code POLL_ADD} for
     * {@code fd} with an undefined poll flag, so that the kernel itself completes it with
     * {@code -EINVAL}, as a kernel whose io_uring cannot poll that fd's file type would; the fd
     * then moves to the poller's per-fd epoll fallback. The kernel layer always returns false.
     */
    default boolean refusePollAdd(int fd) {
        return false;
    }

    /**
     * Test seam, not a system call: true makes the poller submit its {@code SEND_ZC} requests with
     * an opcode the kernel does not define, so that the kernel itself fails them with
     * {@code -EINVAL}, as one older than 6.0 would; the poller then sends with {@code SEND}. The
     * kernel layer always returns false.
     */
    default boolean refuseSendZeroCopy() {
        return false;
    }

    /** The real system calls. */
    static IoUringSyscalls kernel() {
        return KernelIoUringSyscalls.INSTANCE;
    }
}

/** Raw syscalls through libc's variadic {@code syscall}, errno captured in the caller's segment. */
final class KernelIoUringSyscalls implements IoUringSyscalls {
    static final KernelIoUringSyscalls INSTANCE = new KernelIoUringSyscalls();

    @Override
    public long setup(MemorySegment capture, int entries, MemorySegment params) {
        return LibC.syscall(capture, SYS_IO_URING_SETUP, entries, params.address(),
                0, 0, 0, 0);
    }

    @Override
    public long enter(MemorySegment capture, int fd, int toSubmit, int minComplete, int flags, MemorySegment arg,
                      long argSize) {
        return LibC.syscall(capture, SYS_IO_URING_ENTER, fd, toSubmit, minComplete,
                flags, arg.address(), argSize);
    }

    @Override
    public long register(MemorySegment capture, int fd, int opcode, MemorySegment arg, int nrArgs) {
        return LibC.syscall(capture, SYS_IO_URING_REGISTER, fd, opcode,
                arg.address(), nrArgs, 0, 0);
    }
}
