package io.loomring;

import io.loomring.poller.Poller;
import io.loomring.poller.VirtualThreads;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The scheduler of carried threads released after computing for long ({@link CarrierBalancer}):
 * they run on the JDK's default scheduler from then on, but the virtual threads they start (which
 * inherit this scheduler) start on a carrier, so a released thread that starts others (an accept
 * loop, a selector that hands work to new threads, an application's main) keeps its children
 * carried. A start is recognised by the new thread's state, as in the carriers' own hand-off.
 */
final class ReleasedScheduler implements Executor {
    private final Executor jdk;
    private final Supplier<Poller> placement;

    /**
     * @param jdk       the JDK's default scheduler
     * @param placement the carrier a new thread starts on
     */
    ReleasedScheduler(Executor jdk, Supplier<Poller> placement) {
        this.jdk = jdk;
        this.placement = placement;
    }

    @Override
    public void execute(Runnable continuation) {
        Thread starting = VirtualThreads.startingThread(continuation);
        if (starting != null) {
            Poller carrier = placement.get();
            if (carrier != null) {
                VirtualThreads.rescheduleStarting(starting, carrier);
                carrier.execute(continuation);
                return;
            }
        }
        jdk.execute(continuation);
    }
}
