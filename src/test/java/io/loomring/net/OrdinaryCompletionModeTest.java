package io.loomring.net;

import io.loomring.IoScheduler;
import java.util.concurrent.ThreadFactory;

/**
 * {@link CompletionModeTest} on ordinary virtual threads (the JDK's scheduler, no flag needed):
 * their RECV and SEND run on the scheduler's io_uring sub-pollers, which hand the cancel requests
 * of timeouts, interrupts and closes over through their queues. The same exactness holds.
 */
class OrdinaryCompletionModeTest extends CompletionModeTest {
    @Override
    ThreadFactory threads(IoScheduler scheduler) {
        return Thread.ofVirtual().name("ordinary-", 0).factory();
    }
}
