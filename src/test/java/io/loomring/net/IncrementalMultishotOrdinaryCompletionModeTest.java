package io.loomring.net;

import io.loomring.IoScheduler;
import java.util.concurrent.ThreadFactory;

/**
 * {@link IncrementalMultishotCompletionModeTest} on ordinary virtual threads: the sub-pollers'
 * rings fill their provided buffers incrementally too.
 */
class IncrementalMultishotOrdinaryCompletionModeTest extends IncrementalMultishotCompletionModeTest {
    @Override
    ThreadFactory threads(IoScheduler scheduler) {
        return Thread.ofVirtual().name("ordinary-", 0).factory();
    }
}
