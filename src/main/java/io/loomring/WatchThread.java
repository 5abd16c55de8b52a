package io.loomring;

import io.loomring.poller.Threads;
import java.util.concurrent.locks.LockSupport;

/**
 * A scheduler's watcher: a daemon platform thread started with its first carried thread, that runs
 * a body until the scheduler closes (the stall monitor's looks, the balancer's). The body parks
 * between looks and checks {@link #isClosed()}; {@link #close()} wakes it and waits for it to end.
 */
final class WatchThread {
    private final String name;
    private final Runnable body;
    private Thread thread;
    private volatile boolean closed;

    WatchThread(String name, Runnable body) {
        this.name = name;
        this.body = body;
    }

    /** Starts the thread unless it runs or the watcher is closed. */
    synchronized void startOnce() {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().daemon().name(name).start(body);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Ends the thread (if it was started) and waits for it. */
    void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            Threads.joinUninterruptibly(t);
        }
    }
}
