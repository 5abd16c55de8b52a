package io.loomring.jcstress.broken;

import io.loomring.poller.MpscQueue;
import io.loomring.poller.Request;
import io.loomring.poller.WakeupGate;

/**
 * The library's {@code Inbox} with one deliberate defect, for a broken twin: a producer checks
 * {@code closed} and then offers without counting itself as a producer in flight, so
 * {@link #close()} has nothing to wait for. A producer that read {@code closed == false} just
 * before the owner closed can then enqueue after the owner's final drain: the request is neither
 * refused nor drained. Everything else (the queue, the wakeup gate, the order of the steps) is the
 * library's.
 */
final class UnbracketedInbox {
    private final MpscQueue<Request> queue = new MpscQueue<>();
    private final WakeupGate gate = new WakeupGate();
    private final Runnable signal;
    private volatile boolean closed;

    UnbracketedInbox(Runnable signal) {
        this.signal = signal;
    }

    boolean offer(Request request) {
        if (closed) { // wrong: no producers-in-flight count around the check and the offer
            return false;
        }
        queue.offer(request);
        if (gate.shouldSignal()) {
            signal.run();
        }
        return true;
    }

    Request poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    void prepareToSleep() {
        gate.prepareToSleep();
    }

    void close() {
        closed = true; // nothing to wait out: producers are not counted
    }
}
