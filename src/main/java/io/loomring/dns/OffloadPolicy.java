package io.loomring.dns;

import io.loomring.poller.Poller;

/** Whose lookups run on the blocking pool: the values of {@value LoomringResolverProvider#POLICY_PROPERTY}. */
enum OffloadPolicy {
    /**
     * Threads carried by a Loomring carrier only (the default): there a lookup that blocks its
     * thread blocks every thread of the carrier, which has no compensation.
     */
    CARRIED,
    /**
     * Every virtual thread. The JDK's scheduler compensates for a virtual thread blocked in the
     * built-in resolver by adding a platform thread; this keeps such lookups on the bounded pool
     * instead.
     */
    VIRTUAL,
    /** None: every lookup calls the built-in resolver on its own thread, carried or not. */
    OFF;

    /**
     * The policy a property value names; null is the default.
     *
     * @throws IllegalArgumentException for any other value, so a misspelt setting is not ignored
     */
    static OffloadPolicy parse(String value) {
        if (value == null) {
            return CARRIED;
        }
        return switch (value) {
            case "carried" -> CARRIED;
            case "virtual" -> VIRTUAL;
            case "off" -> OFF;
            default -> throw new IllegalArgumentException(LoomringResolverProvider.POLICY_PROPERTY
                    + " must be carried, virtual or off: " + value);
        };
    }

    /** Whether the calling thread's lookups go to the pool. */
    boolean offloadsCurrentThread() {
        // isVirtual first: a platform thread never asks for its carrier, so a lookup there does not
        // even load the poller's classes.
        return switch (this) {
            case CARRIED -> Thread.currentThread().isVirtual() && Poller.currentCarrier() != null;
            case VIRTUAL -> Thread.currentThread().isVirtual();
            case OFF -> false;
        };
    }
}
