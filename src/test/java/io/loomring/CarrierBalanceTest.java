package io.loomring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Threads started by one carried thread (a server's accepting thread, say) inherit its carrier; the
 * balancer lets them move to an idle carrier at the start of an I/O call. Eight such threads, each
 * computing a little between two awaits on a pipe of its own: with balancing both carriers end up
 * doing a fair share of the work; without it (the control) one carrier does all of it. And threads
 * started one per task, which do no I/O, start on the less busy carrier, or on one that sleeps.
 * Both backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CarrierBalanceTest {
    private static final int THREADS = 8;
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    /** The look at the busy times starts after this (the moves happen before). */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void threadsStartedByOneCarriedThreadSpreadOverTheCarriers(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).build()) {
            long[] busy = run(io);
            double least = Math.min(busy[0], busy[1]);
            double most = Math.max(busy[0], busy[1]);
            assertTrue(least >= most / 1.5, "busy nanoseconds per carrier after settling: " + Arrays.toString(busy));
            assertTrue(io.carriedThreadMoves() > 0, "no thread moved");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void withoutBalancingTheyStayOnTheirParentsCarrier(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).balanceCarriers(false).build()) {
            long[] busy = run(io);
            double least = Math.min(busy[0], busy[1]);
            double most = Math.max(busy[0], busy[1]);
            assertTrue(least < most / 10, "busy nanoseconds per carrier: " + Arrays.toString(busy));
            assertEquals(0, io.carriedThreadMoves());
        }
    }

    /**
     * A thread per task, as Jetty's virtual-thread pool runs a server: one carried thread starts
     * short computing threads, 16 at a time, that do no I/O at all (so none of them could move at an
     * I/O call). Every other start goes to the idle carrier while the starting one is busier.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void threadsStartedPerTaskStartOnTheLessBusyCarrier(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            long[][] window = new long[2][];
            io.runCarried("dispatcher", () -> {
                Semaphore running = new Semaphore(16);
                Thread timer = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(SETTLE_NANOS));
                        window[0] = io.carrierBusyNanos();
                        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RUN_NANOS - SETTLE_NANOS));
                        window[1] = io.carrierBusyNanos();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    stop.set(true);
                });
                while (!stop.get()) {
                    running.acquire();
                    Thread.ofVirtual().start(() -> {
                        spin(50_000);
                        running.release();
                    });
                }
                running.acquire(16);
                timer.join();
                return null;
            });
            long a = window[1][0] - window[0][0];
            long b = window[1][1] - window[0][1];
            assertTrue(Math.min(a, b) >= Math.max(a, b) / 1.5, "busy nanoseconds per carrier: " + a + ", " + b);
            assertTrue(io.carriedThreadMoves() > 0, "no thread started elsewhere");
        }
    }

    /**
     * A thread started while another carrier sleeps with nothing to run starts there: it does not
     * wait behind the thread that started it, which computes on (as Jetty's selecting thread goes on
     * to handle a request after starting the thread that selects next) and behind the threads
     * queued there. Ten rounds of two starts, the second watched, each followed by up to 300 ms of
     * computing in the starting thread; without balancing (the control) each started thread runs
     * only once the computing is over, on the starter's carrier.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aThreadStartedWhileACarrierSleepsStartsThere(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).build()) {
            int ran = startsThatRanBesideTheirStarter(io);
            assertTrue(ran >= 8, ran + " of 10 started threads ran while their starter computed");
        }
        try (IoScheduler io = IoScheduler.builder().backend(backend).carriers(2).balanceCarriers(false).build()) {
            assertEquals(0, startsThatRanBesideTheirStarter(io), "of 10 starts, without balancing");
        }
    }

    /** Of ten threads started by one carried thread, those that ran while it computed. */
    private static int startsThatRanBesideTheirStarter(IoScheduler io) throws Exception {
        return io.runCarried("starter", () -> {
            int ranBeside = 0;
            for (int i = 0; i < 10; i++) {
                Thread.sleep(30); // both carriers asleep before each start
                // A thread started with nothing queued ahead of it stays: it waits only for its
                // starter to park. The second one would wait behind the first as well.
                Thread ahead = Thread.ofVirtual().start(() -> { });
                AtomicBoolean ran = new AtomicBoolean();
                Thread started = Thread.ofVirtual().start(() -> ran.set(true));
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (!ran.get() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (ran.get()) {
                    ranBeside++;
                }
                started.join();
                ahead.join();
            }
            return ranBeside;
        });
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** Runs the load; the carriers' busy nanoseconds after settling. */
    private static long[] run(IoScheduler io) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger notCarried = new AtomicInteger();
        long[][] window = new long[2][];
        io.runCarried("acceptor", () -> {
            List<Thread> threads = new ArrayList<>();
            List<Fds.Pipe> pipes = new ArrayList<>();
            for (int i = 0; i < THREADS / 2; i++) {
                Fds.Pipe ping = Fds.Pipe.open();
                Fds.Pipe pong = Fds.Pipe.open();
                pipes.add(ping);
                pipes.add(pong);
                threads.add(Thread.ofVirtual().start(() -> work(io, ping, pong, true, stop, notCarried)));
                threads.add(Thread.ofVirtual().start(() -> work(io, pong, ping, false, stop, notCarried)));
            }
            long start = System.nanoTime();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(SETTLE_NANOS));
            window[0] = io.carrierBusyNanos();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RUN_NANOS - (System.nanoTime() - start)));
            window[1] = io.carrierBusyNanos();
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            pipes.forEach(Fds.Pipe::close);
            return null;
        });
        assertEquals(0, notCarried.get(), "threads that were not carried");
        return new long[] {window[1][0] - window[0][0], window[1][1] - window[0][1]};
    }

    /**
     * One side of a ping-pong over two pipes (the other side reads {@code out} and writes
     * {@code in}), about 50 µs of computing per message; the first side serves first. A side waits
     * at most 50 ms at a time, so both see the stop.
     */
    private static void work(IoScheduler io, Fds.Pipe in, Fds.Pipe out, boolean first, AtomicBoolean stop,
            AtomicInteger notCarried) {
        try {
            if (first) {
                Fds.write(out.writeEnd(), 8);
            }
            while (!stop.get()) {
                if (!io.carriesCurrentThread()) {
                    notCarried.incrementAndGet();
                }
                long n;
                while ((n = Fds.read(in.readEnd(), 8)) < 0) {
                    if (!io.awaitReadable(in.readEnd(), Duration.ofMillis(50))) {
                        if (stop.get()) {
                            return;
                        }
                    }
                }
                long until = System.nanoTime() + 50_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                Fds.write(out.writeEnd(), 8);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
