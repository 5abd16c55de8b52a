package io.loomring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The shared part of the connection soak tests (channels and Loomring's sockets): the mix of
 * actions each worker draws from until the deadline, what each action did, and every failure,
 * kept rather than thrown so that one run reports them all.
 */
public final class SoakTally {
    /** One action of a worker; a throw is a failure of that action. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    /** Echo exchanges that came back whole. */
    public final LongAdder echoes = new LongAdder();
    /** Reads that another thread's close ended. */
    public final LongAdder asyncCloses = new LongAdder();
    /** Reads that an interrupt ended (and that closed their socket). */
    public final LongAdder interrupts = new LongAdder();
    /** Reads that a timeout ended (their socket stays open). */
    public final LongAdder timeouts = new LongAdder();
    /** Connections closed with their echo unread. */
    public final LongAdder dropped = new LongAdder();

    /**
     * A worker's loop until {@code deadline} (a {@link System#nanoTime} value): 70% echoes, 10%
     * reads closed under them, 8% interrupted reads, 7% timed-out reads, 5% dropped connections.
     */
    public void work(long deadline, Action echo, Action asyncClose, Action interrupt, Action timeout, Action drop) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
            int action = r.nextInt(100);
            Action a = action < 70 ? echo : action < 80 ? asyncClose : action < 88 ? interrupt
                    : action < 95 ? timeout : drop;
            try {
                a.run();
            } catch (Throwable t) {
                failures.add(Thread.currentThread().getName() + " action " + action + ": " + t);
            }
        }
    }

    /** Records a failure unless {@code ok}. */
    public void check(boolean ok, String what) {
        if (!ok) {
            failures.add(Thread.currentThread().getName() + ": " + what);
        }
    }

    /** Records {@code what} as a failure. */
    public void fail(String what) {
        failures.add(what);
    }

    /** Asserts that nothing failed so far, saying when. */
    public void assertNoFailures(String when) {
        assertTrue(failures.isEmpty(), when + ": " + failures.size() + " failures, first: "
                + failures.stream().limit(10).toList());
    }

    /** Asserts that every kind of read outcome happened at least once. */
    public void assertEveryActionRan() {
        assertTrue(echoes.sum() > 0 && asyncCloses.sum() > 0 && interrupts.sum() > 0 && timeouts.sum() > 0,
                "every action ran: echoes=" + echoes + " asyncCloses=" + asyncCloses + " interrupts="
                        + interrupts + " timeouts=" + timeouts + " dropped=" + dropped);
    }

    /** Sleeps, keeping an interrupt for the caller. */
    public static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
