package io.loomring.socket;

import java.io.IOException;

/** A call on a socket's fd number, run while the fd cannot be closed under it. */
@FunctionalInterface
public interface FdCall<T> {
    /** Runs the call on {@code fd}. */
    T apply(int fd) throws IOException;
}
