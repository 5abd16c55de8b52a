package io.loomring.net;

import io.loomring.IoScheduler;
import java.util.concurrent.ThreadFactory;

/**
 * {@link WriteBehindTest} on ordinary virtual threads: their background sends run on the
 * scheduler's io_uring sub-pollers, and a later write waits for them without a carrier to flush.
 */
class OrdinaryWriteBehindTest extends WriteBehindTest {
    @Override
    ThreadFactory threads(IoScheduler scheduler) {
        return Thread.ofVirtual().name("ordinary-write-behind-", 0).factory();
    }
}
