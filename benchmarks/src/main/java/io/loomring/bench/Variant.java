package io.loomring.bench;

import io.loomring.Backend;

/**
 * What carries a ping-pong: a Loomring scheduler on one backend over raw non-blocking pipe fds, or
 * the JDK's own blocking {@link java.nio.channels.Pipe} channels, which park virtual threads through
 * the JDK's built-in poller (see {@link JdkPipePingPong} for why the JDK has two variants).
 */
public enum Variant {
    /** Loomring with the io_uring backend. */
    IO_URING(Backend.IO_URING),
    /** Loomring with the epoll backend. */
    EPOLL(Backend.EPOLL),
    /** Loomring io_uring, both sides carried by one carrier ({@code IoScheduler.threadFactory()}). */
    IO_URING_CARRIED(Backend.IO_URING),
    /** Loomring epoll, both sides carried by one carrier. */
    EPOLL_CARRIED(Backend.EPOLL),
    /**
     * The JDK's {@code Pipe} channels on virtual threads, both read ends on one JDK sub-poller
     * (the JDK's fast case for a ping-pong, and the baseline ratios refer to).
     */
    JDK(null),
    /** The JDK's {@code Pipe} channels on virtual threads, the read ends on two JDK sub-pollers. */
    JDK_SPLIT(null);

    private final Backend backend;

    Variant(Backend backend) {
        this.backend = backend;
    }

    /** The Loomring backend, or null for the JDK baseline. */
    public Backend backend() {
        return backend;
    }

    /** Opens a ping-pong of this variant; close it when done. */
    public PingPong open() throws Exception {
        return backend == null ? new JdkPipePingPong(this == JDK)
                : new LoomringPingPong(backend, this == IO_URING_CARRIED || this == EPOLL_CARRIED);
    }
}
