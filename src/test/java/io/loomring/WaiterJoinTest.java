package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.poller.BackgroundOperation;
import io.loomring.poller.Completion;
import io.loomring.ring.RingConstants;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A background operation (write-behind) has no thread of its own: whoever needs its outcome
 * joins it. The joiner publishes itself and then reads the state; the completer decides and then
 * reads the joiner, so one of them sees the other. Raced here many times: a join that parked after
 * a completion that did not see it would never return.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WaiterJoinTest {
    private static BackgroundOperation background(AtomicInteger doneRuns) {
        return new BackgroundOperation(10, RingConstants.OP_SEND, 0L, 0, doneRuns::incrementAndGet);
    }

    @Test
    void aJoinRacingWithTheCompletionAlwaysReturnsTheResult() throws Exception {
        try (ExecutorService joiners = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 20_000; round++) {
                AtomicInteger doneRuns = new AtomicInteger();
                BackgroundOperation op = background(doneRuns);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Integer> joined = joiners.submit(() -> {
                    start.await();
                    int state = op.join(Completion.NO_TIMEOUT);
                    return state == Completion.READY ? op.result() : -1000 - state;
                });
                start.await();
                assertTrue(op.completeOperation(round));
                int result;
                try {
                    result = joined.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    joined.cancel(true); // its interrupt ends the join, so the executor can close
                    throw new AssertionError("round " + round + ": the join was never woken", e);
                }
                assertEquals(round, result, "round " + round);
                assertEquals(1, doneRuns.get(), "onDone runs once, round " + round);
            }
        }
    }

    @Test
    void aTimeoutOrAnInterruptGivesUpWithoutDeciding() throws Exception {
        AtomicInteger doneRuns = new AtomicInteger();
        BackgroundOperation op = background(doneRuns);
        assertEquals(Completion.PENDING, op.join(TimeUnit.MILLISECONDS.toNanos(20)));
        Thread.currentThread().interrupt();
        try {
            assertEquals(Completion.PENDING, op.join(Completion.NO_TIMEOUT));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, doneRuns.get(), "giving up decided nothing");
        assertTrue(op.completeOperation(42));
        assertFalse(op.complete(Completion.CLOSED), "decided once");
        assertEquals(Completion.READY, op.join(Completion.NO_TIMEOUT));
        assertEquals(42, op.result());
        assertEquals(1, doneRuns.get());
    }
}
