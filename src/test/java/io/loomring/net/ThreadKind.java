package io.loomring.net;

import io.loomring.IoScheduler;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * The threads a test drives Loomring sockets from: platform threads (each wait blocks the thread),
 * ordinary virtual threads, and virtual threads carried by the scheduler's own carriers.
 */
enum ThreadKind {
    PLATFORM, VIRTUAL, CARRIED;

    /** New threads of this kind for sockets on {@code io}; skips the test where {@code io} carries none. */
    ThreadFactory factory(IoScheduler io) {
        return switch (this) {
            case PLATFORM -> Thread.ofPlatform().name("tls-platform-", 0).factory();
            case VIRTUAL -> Thread.ofVirtual().name("tls-virtual-", 0).factory();
            case CARRIED -> {
                Assumptions.assumeTrue(io.carriesThreads(), io.carrierReason());
                yield io.threadFactory("tls-carried-");
            }
        };
    }

    /** Fails unless the calling thread is of this kind (virtual or not; carried ones are virtual). */
    void assertCurrent() {
        if (Thread.currentThread().isVirtual() != (this != PLATFORM)) {
            throw new AssertionError(Thread.currentThread() + " is not a " + this + " thread");
        }
    }
}
