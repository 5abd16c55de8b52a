package io.loomring.net;

import io.loomring.IoScheduler;
import java.util.concurrent.ThreadFactory;

/**
 * {@link MultishotCompletionModeTest} on ordinary virtual threads: their multishot receives run in
 * the sub-pollers' rings, whose chunks reach readers on the JDK's scheduler.
 */
class MultishotOrdinaryCompletionModeTest extends MultishotCompletionModeTest {
    @Override
    ThreadFactory threads(IoScheduler scheduler) {
        return Thread.ofVirtual().name("ordinary-", 0).factory();
    }
}
