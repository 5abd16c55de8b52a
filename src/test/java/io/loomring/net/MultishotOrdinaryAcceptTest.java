package io.loomring.net;

import io.loomring.IoScheduler;
import java.util.concurrent.ThreadFactory;

/**
 * {@link MultishotAcceptTest} on ordinary virtual threads: their multishot accepts run in the
 * sub-pollers' rings.
 */
class MultishotOrdinaryAcceptTest extends MultishotAcceptTest {
    @Override
    ThreadFactory threads(IoScheduler scheduler) {
        return Thread.ofVirtual().name("ordinary-", 0).factory();
    }
}
