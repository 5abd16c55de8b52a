package io.loomring;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.poller.uring.RingLevers;
import java.io.UncheckedIOException;

/**
 * The settings a scheduler is built with, and where they come from for the shared one: the system
 * properties {@code loomring.backend}, {@code loomring.carriers}, {@code loomring.subPollers},
 * {@code loomring.cooperativeTaskRun}, {@code loomring.socketIo}, {@code loomring.writeBehind},
 * {@code loomring.balanceCarriers}, {@code loomring.multishotReceive}, {@code loomring.multishotAccept},
 * {@code loomring.sendZeroCopy}, {@code loomring.sendZeroCopyThreshold}, {@code loomring.fixedFiles},
 * {@code loomring.fixedFileSlots} and {@code loomring.adoptVirtualThreads}.
 * Also the ranges and defaults the builder checks against.
 *
 * @param selection    the started pollers and the backend they run
 * @param sockets      how sockets use the rings
 * @param balance      carried threads may move between carriers ({@link CarrierBalancer})
 * @param adopt        ordinary virtual threads move to the carriers at their first I/O call
 */
record SchedulerSettings(BackendSelector.Selection selection, SocketModes sockets, boolean balance, boolean adopt) {
    /** The most carriers or sub-pollers a scheduler has. */
    private static final int MAX_POLLERS = 1024;

    /** Starts the shared scheduler's pollers as the system properties say. */
    static SchedulerSettings fromSystemProperties() {
        String property = System.getProperty("loomring.backend", "auto");
        Backend backend = Backend.parse(property);
        int carriers = checkCarriers(Integer.getInteger("loomring.carriers", defaultCarriers()));
        int subPollers = checkSubPollers(Integer.getInteger("loomring.subPollers", defaultSubPollers()));
        boolean cooperative = !"false".equals(System.getProperty("loomring.cooperativeTaskRun", "true"));
        BackendSelector.Selection selection = BackendSelector.select(backend, "loomring.backend=" + property,
                BackendSelector.DEFAULT_ENTRIES, IoUringSyscalls.kernel(), EpollSyscalls.kernel(), carriers,
                subPollers, cooperative, RingLevers.fromSystemProperties());
        return new SchedulerSettings(selection, SocketModes.fromSystemProperties(),
                !"false".equals(System.getProperty("loomring.balanceCarriers", "true")),
                Boolean.getBoolean("loomring.adoptVirtualThreads"));
    }

    /**
     * A fresh exception per call, of the type {@link IoScheduler#shared()} documents, caused by the
     * first failure to start (a failed class initialization cannot be retried, so it is kept).
     */
    static RuntimeException sharedFailure(RuntimeException first) {
        if (first instanceof UncheckedIOException u) {
            return new UncheckedIOException(u.getMessage(), u.getCause());
        }
        if (first instanceof IllegalArgumentException) {
            return new IllegalArgumentException(first.getMessage(), first);
        }
        return new IllegalStateException("the shared Loomring scheduler failed to start: " + first, first);
    }

    /**
     * The default sub-poller count: one per available processor (the JDK's scheduler has as many
     * platform threads, and a sub-poller's woken threads run on its own one), at most 32.
     */
    static int defaultSubPollers() {
        return Math.min(32, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    static int checkSubPollers(int subPollers) {
        if (subPollers < 0 || subPollers > MAX_POLLERS) {
            throw new IllegalArgumentException("subPollers must be in [0, 1024]: " + subPollers);
        }
        return subPollers;
    }

    /** The default carrier count: one per available processor. */
    static int defaultCarriers() {
        return Math.min(MAX_POLLERS, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    static int checkCarriers(int carriers) {
        if (carriers < 1 || carriers > MAX_POLLERS) {
            throw new IllegalArgumentException("carriers must be in [1, 1024]: " + carriers);
        }
        return carriers;
    }
}
