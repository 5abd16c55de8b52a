package io.loomring.ring;

import io.loomring.ffm.Errno;
import java.io.IOException;

/**
 * io_uring cannot be used here: setup failed (the errno says why: ENOSYS on old kernels or gVisor,
 * EPERM under seccomp or {@code kernel.io_uring_disabled}, ...) or a feature the poller needs is
 * missing. The scheduler falls back to epoll on this exception.
 */
public final class IoUringUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /** Setup failed with {@code errno}. */
    public IoUringUnavailableException(String what, int errno) {
        super(what + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    /** Setup worked but the kernel lacks something; {@link #errno()} is 0. */
    public IoUringUnavailableException(String why) {
        super(why);
        this.errno = 0;
    }

    /** The errno of the failed call, or 0 when a feature was missing. */
    public int errno() {
        return errno;
    }
}
