package io.loomring.bench;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A ping-pong between two virtual threads over two pipes: side A writes one byte to pipe 1 and
 * waits to read one from pipe 2; side B (the echo) waits to read from pipe 1 and writes the byte to
 * pipe 2. One exchange is a round trip.
 *
 * <p>Both sides are virtual threads for every variant, so each variant is measured parking and
 * waking virtual threads through its own poller. The caller (a benchmark thread, usually a platform
 * thread) hands side A a batch of round trips and waits for the batch to finish; that hand-off costs
 * the same for every variant and is spread over the whole batch.
 *
 * <p>Subclasses provide the two halves of a round trip; this class owns the threads and the
 * hand-off.
 */
public abstract class PingPong implements AutoCloseable {
    /** How long {@link #roundTrips} waits for a batch before declaring the ping-pong stuck. */
    private static final long BATCH_TIMEOUT_SECONDS = 60;
    private static final Integer STOP = -1;

    private final SynchronousQueue<Integer> batches = new SynchronousQueue<>();
    private final SynchronousQueue<Object> results = new SynchronousQueue<>();
    private Thread sideA;
    private Thread sideB;
    private boolean closed;

    /** Starts both virtual threads; subclasses call it once their pipes are open. */
    protected final void start(String name) {
        start(name, Thread.ofVirtual().factory());
    }

    /** Starts both sides on threads from {@code threads}. */
    protected final void start(String name, java.util.concurrent.ThreadFactory threads) {
        sideB = threads.newThread(this::runEcho);
        sideB.setName(name + "-echo");
        sideB.start();
        sideA = threads.newThread(this::runPing);
        sideA.setName(name + "-ping");
        sideA.start();
    }

    /** Side A: one round trip (write a byte to pipe 1, wait for and read a byte from pipe 2). */
    protected abstract void ping() throws Exception;

    /** Side B: echo bytes from pipe 1 to pipe 2 until pipe 1 reaches end of file. */
    protected abstract void echoUntilEof() throws Exception;

    /** Closes pipe 1's write end, so side B sees end of file. Called on side A's thread. */
    protected abstract void closePingSide() throws Exception;

    /** Releases what is left (the other fds, the scheduler, native memory) once both sides ended. */
    protected abstract void release() throws Exception;

    /**
     * Runs {@code n} round trips on side A and waits for them.
     *
     * @throws IllegalStateException when a side failed (with its exception as the cause) or the
     *                               batch did not finish within a minute
     */
    public final void roundTrips(int n) throws InterruptedException {
        if (n <= 0) {
            throw new IllegalArgumentException("round trips must be positive: " + n);
        }
        if (closed) {
            throw new IllegalStateException("ping-pong is closed");
        }
        if (!batches.offer(n, BATCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("side A did not take the batch", new TimeoutException());
        }
        Object r = results.poll(BATCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (r == null) {
            throw new IllegalStateException("ping-pong stuck: a batch of " + n
                    + " round trips did not finish in " + BATCH_TIMEOUT_SECONDS + " s", new TimeoutException());
        }
        if (r instanceof Throwable t) {
            throw new IllegalStateException("ping-pong failed", t);
        }
    }

    private void runPing() {
        try {
            for (;;) {
                int n = batches.take();
                if (n == STOP) {
                    break;
                }
                Object result = Boolean.TRUE;
                try {
                    for (int i = 0; i < n; i++) {
                        ping();
                    }
                } catch (Throwable t) {
                    result = t;
                }
                results.put(result);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                closePingSide();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close pipe 1's write end", e);
            }
        }
    }

    private void runEcho() {
        try {
            echoUntilEof();
        } catch (Exception e) {
            throw new IllegalStateException("echo side failed", e);
        }
    }

    /** Stops both sides (side B ends on end of file) and releases everything. */
    @Override
    public final void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        if (!batches.offer(STOP, BATCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            sideA.interrupt();
        }
        boolean ended = sideA.join(java.time.Duration.ofSeconds(BATCH_TIMEOUT_SECONDS))
                & sideB.join(java.time.Duration.ofSeconds(BATCH_TIMEOUT_SECONDS));
        release();
        if (!ended) {
            throw new IllegalStateException("ping-pong threads did not end");
        }
    }
}
