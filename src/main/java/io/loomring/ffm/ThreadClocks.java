package io.loomring.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A thread's kernel id and the CPU time another thread can read from it: the carriers' balancer
 * tells a carrier that computes from one that the machine's scheduler keeps off the CPU (both
 * show the same continuation mounted, with no loop round, for as long).
 *
 * <p>The clock of thread {@code tid} is the kernel's per-thread scheduler clock, whose id is
 * {@code (~tid << 3) | 6} ({@code CPUCLOCK_SCHED} with the per-thread bit), as glibc's
 * {@code pthread_getcpuclockid} makes it.
 */
public final class ThreadClocks {
    private ThreadClocks() {}

    /** A {@code struct timespec} (seconds then nanoseconds, a long each) per reading thread. */
    private static final ThreadLocal<MemorySegment> TIMESPEC =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    /** x86_64's {@code gettid}: a raw syscall, since libc has its wrapper only from glibc 2.30. */
    private static final long SYS_GETTID = 186;
    private static final MethodHandle CLOCK_GETTIME = Native.capturing("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    /** The calling thread's kernel id ({@code gettid}, which cannot fail). */
    public static int currentTid() {
        return (int) LibC.syscall(Native.threadCaptureState(), SYS_GETTID, 0, 0, 0, 0, 0, 0);
    }

    /**
     * CPU time thread {@code tid} of this process has used, in nanoseconds, or {@code -errno}
     * (for example {@code -EINVAL} once the thread has ended, or for tid 0).
     */
    public static long cpuNanos(int tid) {
        if (tid <= 0) {
            return -22; // EINVAL: no such thread (yet)
        }
        MemorySegment capture = Native.threadCaptureState();
        MemorySegment timespec = TIMESPEC.get();
        int clock = (~tid << 3) | 6;
        try {
            int ret = (int) Native.result((int) CLOCK_GETTIME.invokeExact(capture, clock, timespec), capture);
            if (ret < 0) {
                return ret;
            }
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
        return timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
    }
}
