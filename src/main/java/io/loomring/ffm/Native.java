package io.loomring.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Shared plumbing for the FFM downcalls: the linker, libc's symbols, and the errno capture state.
 *
 * <p>Every downcall that can fail captures {@code errno} into a small segment the caller owns, so no
 * JVM activity between the call and the errno read can clobber it. Callers that run on one thread
 * (the poller) keep one capture segment; callers on many threads use {@link #threadCaptureState()}.
 */
public final class Native {
    private Native() {}

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final ThreadLocal<MemorySegment> THREAD_CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    /** Allocates a capture segment for errno in the given arena. */
    public static MemorySegment newCaptureState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** A capture segment private to the calling thread. */
    public static MemorySegment threadCaptureState() {
        return THREAD_CAPTURE.get();
    }

    /** Reads the errno captured by the last call that used {@code capture}. */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Looks up a libc function and links it with errno capture. */
    static MethodHandle capturing(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, options);
    }

    /**
     * Converts libc's "-1 and errno" convention into the kernel's "negative errno" convention,
     * which every wrapper in this package returns.
     */
    static long result(long ret, MemorySegment capture) {
        return ret == -1 ? -errno(capture) : ret;
    }
}
