package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.loomring.poller.PollerCounters;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of virtual threads loop at random over await (timed and untimed), timeout, interrupt,
 * cancel, writes and fd close/reopen on a small pool of pipes, while a monitor checks invariants
 * all along. Afterwards: every await ended with exactly one outcome that matches what happened to
 * its fd, nothing is left armed, no fd leaked, and the scheduler still serves fresh awaits.
 *
 * <p>How readiness is checked: a slot's pipe is never drained, so once readable it stays readable
 * until the slot is recycled, and recycling waits for every thread using the slot (a read-write
 * lock; the recycler cancels the slot's fd until the awaits release it). So after a READY outcome
 * a {@code poll(2)} of the same fd must say ready: a waiter woken by another fd's (or another
 * file's) completion is caught.
 *
 * <p>Runs 10 s per backend by default; {@code -Dloomring.soak.seconds=N} runs N seconds.
 */
class SoakTest {
    private static final int WORKERS = 2000;
    private static final int SLOTS = 64;
    private static final int MAX_BYTES_PER_PIPE = 1000; // far below a pipe's capacity: always writable
    private static final long SECONDS = Long.getLong("loomring.soak.seconds", 10);

    /** A pipe that workers share; recycled (closed and reopened) now and then. */
    static final class Slot {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        /** One recycler at a time, so the fds it cancels are still this slot's. */
        final ReentrantLock recycler = new ReentrantLock();
        volatile int[] pipe = Fds.pipe();
        /** What the pipe's fds named when it was made, for failure messages. */
        volatile String files = files(pipe);
        final AtomicInteger bytes = new AtomicInteger();
        /** Cancels of this slot's fds started, and returned. */
        final AtomicLong cancelsStarted = new AtomicLong();
        final AtomicLong cancelsDone = new AtomicLong();

        void cancel(IoScheduler io, int fd) {
            cancelsStarted.incrementAndGet();
            io.cancel(fd);
            cancelsDone.incrementAndGet();
        }
    }

    private static final int READY = 0;
    private static final int TIMED_OUT = 1;
    private static final int INTERRUPTED = 2;
    private static final int CANCELLED = 3;

    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final LongAdder started = new LongAdder();
    private final LongAdder ready = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder interrupted = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder recycles = new LongAdder();

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void soak(Backend backend) throws Exception {
        soak(backend, false);
    }

    /** The same, with the workers carried by the scheduler's carriers: their awaits arm inline. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void soakCarried(Backend backend) throws Exception {
        soak(backend, true);
    }

    private void soak(Backend backend, boolean carried) throws Exception {
        TestBackends.assumeAvailable(backend);
        long fdsBefore = Fds.openFdCount();
        IoScheduler io = IoScheduler.builder().backend(backend).ringEntries(32).build();
        assertTrue(!carried || io.carriesThreads(), io.carrierReason());
        ThreadFactory threads = carried ? io.threadFactory("soak-") : Thread.ofVirtual().name("soak-", 0).factory();
        Slot[] slots = new Slot[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
        try {
            long fdBound = Fds.openFdCount() + 16; // pipes are closed before they are reopened
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                // Carried awaits on a ready fd finish within one carrier round, before a timeout or
                // an interrupt can land; fewer readiness writes keep more fds idle, so those
                // outcomes are exercised as often as with ordinary threads.
                int readyUpTo = carried ? 11 : 25;
                Thread worker = threads.newThread(() -> work(io, slots, deadline, readyUpTo));
                worker.start();
                workers.add(worker);
            }
            // Invariants all along.
            while (System.nanoTime() < deadline) {
                long armed = io.stats().armed();
                check(armed >= 0 && armed <= WORKERS, "armed out of range: " + armed);
                long fds = Fds.openFdCount();
                check(fds <= fdBound, "fds grew: " + fds + " > " + fdBound);
                check(!io.isClosed(), "scheduler closed during the soak");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            // Every worker finishes its last operation: untimed awaits are released by readiness.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (Thread w : workers) {
                while (w.isAlive() && System.nanoTime() < end) {
                    for (Slot s : slots) {
                        makeReady(s);
                    }
                    w.join(50);
                }
                check(!w.isAlive(), "worker " + w.getName() + " never finished (a lost wakeup?)");
            }
            assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(10).toList()
                    + "; kinds: " + failures.stream().map(f -> f.replaceAll("soak-\\d+|fd \\d+", "")).distinct().limit(10).toList());
            long outcomes = ready.sum() + timedOut.sum() + interrupted.sum() + cancelled.sum();
            assertEquals(started.sum(), outcomes, "every await ends with exactly one outcome");
            System.out.printf("SoakTest %s%s %ds: %d awaits (ready %d, timed out %d, interrupted %d, cancelled %d), "
                            + "%d recycles; %s%n", backend, carried ? " carried" : "", SECONDS, started.sum(), ready.sum(), timedOut.sum(),
                    interrupted.sum(), cancelled.sum(), recycles.sum(), io.stats());
            assertTrue(ready.sum() > 0 && timedOut.sum() > 0 && interrupted.sum() > 0 && cancelled.sum() > 0,
                    "every outcome was exercised");

            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 0);
            assertEquals(0, io.pollerCounter(PollerCounters.INLINE_OVERLAPS), "a carried thread left its carrier mid-way");
            assertServesFreshAwaits(io);
        } finally {
            io.close(); // wakes any worker still parked after a failure
            for (Slot s : slots) {
                Fds.close(s.pipe);
            }
        }
        assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
    }

    /** @param readyUpTo the dice value (8..99) below which a step makes its slot's fd ready */
    private void work(IoScheduler io, Slot[] slots, long deadline, int readyUpTo) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
            Slot s = slots[rnd.nextInt(SLOTS)];
            int dice = rnd.nextInt(100);
            try {
                if (dice < 3) {
                    recycle(io, s);
                    continue;
                }
                s.lock.readLock().lock();
                try {
                    if (dice < 8) {
                        s.cancel(io, s.pipe[0]);
                    } else if (dice < readyUpTo) {
                        makeReadyLocked(s);
                    } else if (dice < 35) {
                        awaitOnce(io, s, rnd, true);
                    } else {
                        awaitOnce(io, s, rnd, false);
                    }
                } finally {
                    s.lock.readLock().unlock();
                }
            } catch (Throwable t) {
                failures.add(Thread.currentThread().getName() + ": " + t);
            }
        }
    }

    /** One await on the slot (lock held), checked against what happened to the slot meanwhile. */
    private void awaitOnce(IoScheduler io, Slot s, ThreadLocalRandom rnd, boolean interruptIt) throws Exception {
        int[] pipe = s.pipe;
        boolean writable = !interruptIt && rnd.nextInt(10) == 0;
        int fd = writable ? pipe[1] : pipe[0];
        long timeoutNanos = rnd.nextInt(4) == 0 ? -1 : TimeUnit.MICROSECONDS.toNanos(rnd.nextInt(100, 20_000));
        // A cancel that returned before this await starts cannot touch it ("later awaits are not
        // affected"); one that had not returned, or starts later, may.
        long cancelsDoneBefore = s.cancelsDone.get();
        CompletableFuture<Void> interrupter = null;
        if (interruptIt) {
            Thread me = Thread.currentThread();
            long delay = rnd.nextLong(0, 3_000_000);
            interrupter = CompletableFuture.runAsync(() -> {
                LockSupport.parkNanos(delay);
                me.interrupt();
            }, TestBackends.virtualThreads());
        }
        started.increment();
        long t0 = System.nanoTime();
        int outcome;
        boolean statusLeftSet = false;
        try {
            if (timeoutNanos < 0) {
                if (writable) {
                    io.awaitWritable(fd);
                } else {
                    io.awaitReadable(fd);
                }
                outcome = READY;
            } else {
                Duration timeout = Duration.ofNanos(timeoutNanos);
                boolean ok = writable ? io.awaitWritable(fd, timeout) : io.awaitReadable(fd, timeout);
                outcome = ok ? READY : TIMED_OUT;
            }
        } catch (InterruptedIOException e) {
            outcome = INTERRUPTED;
            statusLeftSet = Thread.currentThread().isInterrupted();
        } catch (AsynchronousCloseException e) {
            outcome = CANCELLED;
        } finally {
            if (interrupter != null) {
                interrupter.join();
                Thread.interrupted();
            }
        }
        switch (outcome) {
            case READY -> {
                ready.increment();
                // Check with poll(2), not parking: the fd must really be ready (nothing drains it).
                boolean really = writable ? io.awaitWritable(fd, Duration.ZERO) : io.awaitReadable(fd, Duration.ZERO);
                if (!really) {
                    // Tells a spurious wakeup (same file) from an fd number closed or reused underneath.
                    check(false, "woken READY but fd " + fd + (writable ? " is not writable" : " is not readable")
                            + " (poll revents 0x" + Integer.toHexString(ReadinessCheck.revents(fd, writable ? 4 : 1))
                            + ", names " + files(new int[] {fd}) + ", the slot's pipe was " + s.files + ")");
                }
            }
            case TIMED_OUT -> {
                timedOut.increment();
                check(System.nanoTime() - t0 >= timeoutNanos, "timed out before its timeout");
            }
            case INTERRUPTED -> {
                interrupted.increment();
                check(interruptIt, "interrupted without an interrupt");
                check(statusLeftSet, "interrupt status not left set");
            }
            default -> {
                cancelled.increment();
                check(s.cancelsStarted.get() > cancelsDoneBefore, "cancelled but nobody cancelled fd " + fd);
            }
        }
    }

    private void recycle(IoScheduler io, Slot s) throws InterruptedException {
        if (!s.recycler.tryLock()) {
            return; // another thread is recycling this slot
        }
        try {
            recycleLocked(io, s);
        } finally {
            s.recycler.unlock();
        }
    }

    private void recycleLocked(IoScheduler io, Slot s) throws InterruptedException {
        int[] pipe = s.pipe; // only this thread replaces it
        // Awaits on the slot hold its read lock: cancel them until they have all let go.
        while (!s.lock.writeLock().tryLock(1, TimeUnit.MILLISECONDS)) {
            s.cancel(io, pipe[0]);
            s.cancel(io, pipe[1]);
        }
        try {
            Fds.close(s.pipe);
            s.pipe = Fds.pipe(); // often the same fd numbers again: exercises number reuse
            s.files = files(s.pipe);
            s.bytes.set(0);
            recycles.increment();
        } finally {
            s.lock.writeLock().unlock();
        }
    }

    /** "fd -> what it names" for each fd, from /proc/self/fd. */
    private static String files(int[] fds) {
        StringBuilder b = new StringBuilder();
        for (int fd : fds) {
            String target;
            try {
                target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            } catch (IOException e) {
                target = "(" + e.getClass().getSimpleName() + ")";
            }
            b.append(b.isEmpty() ? "" : ", ").append(fd).append(" -> ").append(target);
        }
        return b.toString();
    }

    private static void makeReady(Slot s) {
        s.lock.readLock().lock();
        try {
            makeReadyLocked(s);
        } finally {
            s.lock.readLock().unlock();
        }
    }

    private static void makeReadyLocked(Slot s) {
        if (s.bytes.incrementAndGet() <= MAX_BYTES_PER_PIPE) {
            Fds.write(s.pipe[1], 1);
        }
    }

    private void check(boolean condition, String what) {
        if (!condition) {
            failures.add(Thread.currentThread().getName() + ": " + what);
        }
    }

    private static void assertServesFreshAwaits(IoScheduler io) throws Exception {
        int[] p = Fds.pipe();
        try {
            assertFalse(io.awaitReadable(p[0], Duration.ofMillis(20)));
            CompletableFuture<Boolean> parked = CompletableFuture.supplyAsync(() -> {
                try {
                    io.awaitReadable(p[0]);
                    return true;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, TestBackends.virtualThreads());
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 1);
            Fds.write(p[1], 1);
            assertTrue(parked.get(10, TimeUnit.SECONDS));
            assertTrue(io.awaitWritable(p[1], Duration.ofSeconds(10)));
        } finally {
            Fds.close(p);
        }
    }
}
