package io.loomring.poller;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A carrier's timer heap on its own (no carrier thread): which waits it ends when, that a slot
 * filed under an earlier key is filed again rather than fired, that ended waits are dropped, and
 * that the carrier's sleep never outlasts a deadline, against a plain model of the waits.
 */
class CarrierTimersTest {
    private final PollerCounters counters = new PollerCounters();
    /** The timers' clock. */
    private long now;
    private final CarrierTimers timers = new CarrierTimers(counters, () -> now);

    private CarrierTimers.Slot slot() {
        return new CarrierTimers.Slot(new Thread(() -> { }), timers); // never started: unpark is a no-op
    }

    private long fired() {
        return counters.get(PollerCounters.TIMERS_FIRED);
    }

    @Test
    void firesInDeadlineOrderAndOnlyOnce() {
        CarrierTimers.Slot a = slot(), b = slot(), c = slot();
        timers.arm(a, 100);
        timers.arm(b, 50);
        timers.arm(c, 200);
        assertEquals(50, timers.nextKey());
        timers.expire(49);
        assertEquals(0, fired());
        timers.expire(60);
        assertEquals(1, fired(), "b's deadline passed");
        assertFalse(b.isFiled());
        assertEquals(100, timers.nextKey());
        timers.expire(60);
        assertEquals(1, fired(), "b fires once, though its thread has not run yet to disarm it");
        timers.expire(1_000);
        assertEquals(3, fired());
        assertTrue(timers.isEmpty());
    }

    @Test
    void aLaterDeadlineIsFiledAgainNotFired() {
        CarrierTimers.Slot a = slot();
        timers.arm(a, 100);
        a.disarm();          // the wait ended in time
        timers.arm(a, 300);  // the next one, counted from now: no heap work
        assertEquals(100, timers.nextKey(), "still filed under its first key");
        timers.expire(150);
        assertEquals(0, fired());
        assertTrue(a.isFiled());
        assertEquals(300, timers.nextKey(), "filed again under its deadline");
        timers.expire(300);
        assertEquals(1, fired());
    }

    @Test
    void anEarlierDeadlineMovesTheSlotUp() {
        CarrierTimers.Slot a = slot(), b = slot();
        timers.arm(a, 100);
        timers.arm(b, 200);
        b.disarm();
        timers.arm(b, 20);
        assertEquals(20, timers.nextKey());
        timers.expire(20);
        assertEquals(1, fired());
    }

    @Test
    void aLongWaitIsFiledNoFurtherThanTheSecondAfterNext() {
        long second = CarrierTimers.HORIZON_NANOS;
        now = 5 * second + 300;
        CarrierTimers.Slot a = slot();
        timers.arm(a, now + 60 * second);
        assertEquals(7 * second, timers.nextKey());
        timers.expire(7 * second);
        assertEquals(0, fired());
        assertEquals(9 * second, timers.nextKey(), "filed again, two whole seconds on");
        a.disarm(); // its thread stopped waiting (or ended)
        timers.expire(9 * second);
        assertTrue(timers.isEmpty(), "dropped within two seconds, not kept until its deadline");
        assertEquals(0, fired());
    }

    @Test
    void endedWaitsAreDroppedWithoutFiring() {
        CarrierTimers.Slot a = slot(), b = slot();
        timers.arm(a, 100);
        timers.arm(b, 100);
        a.disarm();
        b.disarm();
        timers.expire(500);
        assertEquals(0, fired());
        assertTrue(timers.isEmpty());
    }

    @Test
    void wakeAllEmptiesTheHeap() {
        for (int i = 0; i < 40; i++) {
            timers.arm(slot(), 1_000 + i);
        }
        timers.wakeAll();
        assertTrue(timers.isEmpty());
        timers.expire(Long.MAX_VALUE / 2);
        assertEquals(0, fired(), "nothing left to fire");
    }

    @Test
    void agreesWithAModelOfShortWaits() {
        agreesWithAModel(50, 1_000, 60);
    }

    @Test
    void agreesWithAModelOfWaitsLongerThanItsHorizon() {
        long second = CarrierTimers.HORIZON_NANOS;
        agreesWithAModel(second / 10, 5 * second, second / 4);
    }

    /** Random waits of up to {@code shortWait} or {@code longWait} ns, rounds {@code maxStep} ns apart at most. */
    private void agreesWithAModel(long shortWait, long longWait, long maxStep) {
        Random random = new Random(42);
        CarrierTimers.Slot[] slots = new CarrierTimers.Slot[64];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = slot();
        }
        Map<CarrierTimers.Slot, Long> waiting = new HashMap<>(); // the model: deadline of each wait
        now = -5_000; // nanoTime values may be negative, and the arithmetic must not care
        long expectedFired = 0;
        for (int step = 0; step < 200_000; step++) {
            CarrierTimers.Slot s = slots[random.nextInt(slots.length)];
            switch (random.nextInt(4)) {
                case 0, 1 -> { // a wait starts (its thread is not waiting already)
                    if (!waiting.containsKey(s)) {
                        long deadline = now + 1 + random.nextLong(random.nextBoolean() ? shortWait : longWait);
                        timers.arm(s, deadline);
                        waiting.put(s, deadline);
                    }
                }
                case 2 -> { // a wait ends in time
                    if (waiting.remove(s) != null) {
                        s.disarm();
                    }
                }
                default -> { // the carrier's round
                    now += random.nextLong(maxStep);
                    List<CarrierTimers.Slot> due = new ArrayList<>();
                    for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
                        var e = it.next();
                        if (e.getValue() - now <= 0) {
                            it.remove();
                            due.add(e.getKey());
                        }
                    }
                    long before = fired();
                    timers.expire(now);
                    assertEquals(due.size(), fired() - before, "step " + step);
                    due.forEach(CarrierTimers.Slot::disarm); // their threads run and see the timeout
                    expectedFired += due.size();
                }
            }
            if (!waiting.isEmpty()) {
                long earliest = waiting.values().stream().min(Long::compare).orElseThrow() - now;
                assertFalse(timers.isEmpty(), "a wait is going on");
                assertTrue(timers.nextKey() - now <= earliest, "the carrier would sleep past a deadline");
            }
        }
        assertTrue(expectedFired > 1_000, "the model fired " + expectedFired);
    }
}
