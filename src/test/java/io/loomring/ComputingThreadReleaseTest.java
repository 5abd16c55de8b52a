package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A carried thread that computes for long holds its carrier, and what waits there waits for it.
 * The balancer sees it (one continuation, no loop round, for two looks) and, at its next I/O call,
 * the thread leaves the carriers for the JDK's scheduler: its later computations hold no carrier,
 * while the threads it starts still start on a carrier.
 * Ping-pong threads that share its carrier (all started by one carried thread) then wait less than
 * {@value #LIMIT_MILLIS} ms for a round trip during its second and third computation of
 * {@value #COMPUTE_MILLIS} ms; without balancing (the control) they wait for each whole
 * computation. Both backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ComputingThreadReleaseTest {
    private static final int PAIRS = 4;
    private static final long COMPUTE_MILLIS = 400;
    private static final long LIMIT_MILLIS = 150;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aThreadThatComputedForLongLeavesTheCarriers(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).build()) {
            Outcome o = run(io);
            assertTrue(o.carriedFirst, "the computing thread started carried");
            assertFalse(o.carriedAfter, "the computing thread is still carried after its first computation");
            assertTrue(o.childCarried, "a thread started by the released thread is carried");
            assertEquals(1, io.carriedThreadsReleased());
            assertTrue(o.worstLaterMillis < LIMIT_MILLIS,
                    "the slowest round trip during the later computations took " + o.worstLaterMillis + " ms");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void withoutBalancingEveryComputationHoldsTheCarrier(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).balanceCarriers(false).build()) {
            Outcome o = run(io);
            assertTrue(o.carriedAfter, "released without balancing");
            assertEquals(0, io.carriedThreadsReleased());
            // Counted by their end: which round trip a later computation catches in flight (one started
            // before it or between two) depends on the order the carrier runs timeouts and completions in.
            assertTrue(o.worstEndedLaterMillis >= COMPUTE_MILLIS / 2,
                    "the slowest round trip that ended during or after the last computation took only " + o.worstEndedLaterMillis + " ms");
        }
    }

    /**
     * A carrier held by a thread that uses no CPU (here a native sleep, as a carrier the machine's
     * scheduler keeps off a busy machine's cores looks) is not taken for one that computes: the
     * thread stays carried.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aThreadHoldingItsCarrierOffTheCpuStaysCarried(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        MethodHandle usleep = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().findOrThrow("usleep"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).build();
                Fds.Pipe own = Fds.Pipe.open()) {
            boolean carriedAfter = io.runCarried("sleeper", () -> {
                for (int round = 0; round < 3; round++) {
                    assertEquals(0, sleepNatively(usleep, COMPUTE_MILLIS));
                    io.awaitWritable(own.writeEnd());
                }
                return io.carriesCurrentThread();
            });
            assertTrue(carriedAfter, "released though it used no CPU");
            assertEquals(0, io.carriedThreadsReleased());
        }
    }

    private static int sleepNatively(MethodHandle usleep, long millis) {
        try {
            return (int) usleep.invokeExact((int) TimeUnit.MILLISECONDS.toMicros(millis));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * @param worstLaterMillis      the longest round trip started in the later computations
     * @param worstEndedLaterMillis the longest round trip that ended in or after the last computation
     */
    record Outcome(boolean carriedFirst, boolean carriedAfter, boolean childCarried, long worstLaterMillis,
            long worstEndedLaterMillis) {}

    /** Ping-pong pairs and one thread that computes three times, an I/O call after each. */
    private static Outcome run(IoScheduler io) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong worst = new AtomicLong();
        AtomicLong worstEnded = new AtomicLong();
        AtomicLong from = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastFrom = new AtomicLong(Long.MAX_VALUE);
        return io.runCarried("starter", () -> {
            List<Thread> threads = new ArrayList<>();
            List<Fds.Pipe> pipes = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                Fds.Pipe ping = Fds.Pipe.open();
                Fds.Pipe pong = Fds.Pipe.open();
                pipes.add(ping);
                pipes.add(pong);
                threads.add(Thread.ofVirtual().start(() -> pingPong(io, ping, pong, true, stop, worst, worstEnded, from, lastFrom)));
                threads.add(Thread.ofVirtual().start(() -> pingPong(io, pong, ping, false, stop, worst, worstEnded, from, lastFrom)));
            }
            Thread.sleep(200);
            boolean[] carried = new boolean[3];
            Fds.Pipe own = Fds.Pipe.open();
            pipes.add(own);
            Thread computing = Thread.ofVirtual().start(() -> {
                try {
                    carried[0] = io.carriesCurrentThread();
                    for (int round = 0; round < 3; round++) {
                        if (round == 1) {
                            from.set(System.nanoTime()); // round trips that start in the later computations
                        } else if (round == 2) {
                            lastFrom.set(System.nanoTime()); // round trips that end in the last one
                        }
                        spin(TimeUnit.MILLISECONDS.toNanos(COMPUTE_MILLIS));
                        io.awaitWritable(own.writeEnd()); // an I/O call: where a thread may leave
                        carried[1] = io.carriesCurrentThread();
                    }
                    // What it starts now still starts on a carrier (an accept loop's connections).
                    Thread child = Thread.ofVirtual().start(() -> carried[2] = io.carriesCurrentThread());
                    child.join();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            computing.join();
            Thread.sleep(100);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            pipes.forEach(Fds.Pipe::close);
            return new Outcome(carried[0], carried[1], carried[2], TimeUnit.NANOSECONDS.toMillis(worst.get()),
                    TimeUnit.NANOSECONDS.toMillis(worstEnded.get()));
        });
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /**
     * One side of a ping-pong; the first side records the longest round trip started at {@code from}
     * or later, and the longest that ended at {@code lastFrom} or later.
     */
    private static void pingPong(IoScheduler io, Fds.Pipe in, Fds.Pipe out, boolean first, AtomicBoolean stop,
            AtomicLong worst, AtomicLong worstEnded, AtomicLong from, AtomicLong lastFrom) {
        try {
            long sent = System.nanoTime();
            if (first) {
                Fds.write(out.writeEnd(), 8);
            }
            while (!stop.get()) {
                while (Fds.read(in.readEnd(), 8) < 0) {
                    if (!io.awaitReadable(in.readEnd(), Duration.ofMillis(50)) && stop.get()) {
                        return;
                    }
                }
                if (first) {
                    long now = System.nanoTime();
                    if (now >= lastFrom.get()) {
                        worstEnded.accumulateAndGet(now - sent, Math::max);
                    }
                    if (sent >= from.get()) {
                        worst.accumulateAndGet(now - sent, Math::max);
                    }
                    sent = now;
                }
                Fds.write(out.writeEnd(), 8);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
