package io.loomring.poller;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small, bounded pool of platform threads that runs the calls the kernel cannot run
 * asynchronously here (a disk read where there is no ring, a name lookup) while the virtual thread
 * that asked parks. A carrier never runs such a call: a carried thread that blocked in one would
 * stop every thread on its carrier, and a carrier has no compensation.
 *
 * <p>A call, once handed over, runs to its end: the caller waits for it even when interrupted (its
 * interrupt status is kept set for it), so a write either happened or did not and the caller learns
 * which. Only calls that end on their own belong here (regular files, block devices, resolvers);
 * pollable fds wait for readiness instead.
 *
 * <p>Threads are daemons, made on demand up to {@link #size()} and retired after 30 s idle; calls
 * beyond that queue.
 */
public final class BlockingPool {
    /** The system property that sets the pool's size (default 8). */
    public static final String SIZE_PROPERTY = "loomring.blockingThreads";

    private static final BlockingPool SHARED = new BlockingPool(Integer.getInteger(SIZE_PROPERTY, 8));

    /** A call that returns a long (bytes, an fd, or {@code -errno}). */
    @FunctionalInterface
    public interface LongCall {
        long call();
    }

    /**
     * A call that returns an object or throws a checked exception of one type (a name lookup's
     * {@code UnknownHostException}).
     */
    @FunctionalInterface
    public interface Call<T, X extends Exception> {
        T call() throws X;
    }

    private final ThreadPoolExecutor executor;
    private final int size;

    private BlockingPool(int size) {
        if (size < 1) {
            throw new IllegalArgumentException(SIZE_PROPERTY + " must be >= 1: " + size);
        }
        this.size = size;
        AtomicInteger numbers = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "loomring-blocking-" + numbers.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** The pool every scheduler and the resolver share. */
    public static BlockingPool shared() {
        return SHARED;
    }

    /** The most platform threads it runs at once. */
    public int size() {
        return size;
    }

    /** Threads alive now (for tests and stats). */
    public int threads() {
        return executor.getPoolSize();
    }

    /**
     * Runs {@code call}: on a pool thread while a virtual caller parks, or directly on a platform
     * caller (which blocks anyway, as it would in the JDK). Waits for its end even when interrupted.
     *
     * @return what {@code call} returned
     */
    public long run(LongCall call) {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        return runOnPool(call);
    }

    /** As {@link #run}, but always on a pool thread (a caller that must never block itself). */
    public long runOnPool(LongCall call) {
        return callOnPool(call::call);
    }

    /**
     * As {@link #runOnPool}, for a call that returns an object or throws a checked exception: what
     * it threw is thrown here as it was, not wrapped, so the caller sees the exceptions the call's
     * own contract names.
     */
    public <T, X extends Exception> T callOnPool(Call<T, X> call) throws X {
        Handoff h = new Handoff(Thread.currentThread(), call);
        executor.execute(h);
        return h.<T, X>await();
    }

    /** One call handed over: its result, published by the volatile {@code done}. */
    private static final class Handoff implements Runnable {
        private final Thread caller;
        private final Call<?, ?> call;
        private Object result;
        private Throwable failure;
        private volatile boolean done;

        Handoff(Thread caller, Call<?, ?> call) {
            this.caller = caller;
            this.call = call;
        }

        @Override
        public void run() {
            try {
                result = call.call();
            } catch (Throwable t) {
                failure = t;
            } finally {
                done = true;
                LockSupport.unpark(caller);
            }
        }

        // The casts hold: the call returned a T, and threw only an X or an unchecked throwable.
        @SuppressWarnings("unchecked")
        <T, X extends Exception> T await() throws X {
            boolean interrupted = false;
            while (!done) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true; // held back: a park with the status set would spin
                }
            }
            if (interrupted) {
                caller.interrupt();
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw (X) failure;
            }
            return (T) result;
        }
    }
}
