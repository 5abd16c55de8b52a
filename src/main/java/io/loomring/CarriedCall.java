package io.loomring;

import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;

/**
 * {@link IoScheduler#runCarried}: a task run on a thread of a factory while the caller waits, its
 * outcome handed back as the task gave it (a value, or the very exception or error it threw).
 */
final class CarriedCall<V> implements Runnable {
    private final Callable<V> task;
    private V value;
    private Throwable failure;

    private CarriedCall(Callable<V> task) {
        this.task = task;
    }

    @Override
    public void run() {
        try {
            value = task.call();
        } catch (Throwable t) { // every outcome goes back to the caller, errors too
            failure = t;
        }
    }

    /**
     * Runs {@code task} on a new thread of {@code factory} and waits for it to end (an interrupt of
     * the caller is passed on to it, and set again on the caller at the end).
     */
    static <V> V run(ThreadFactory factory, Callable<V> task) throws Exception {
        CarriedCall<V> call = new CarriedCall<>(task);
        Thread thread = factory.newThread(call);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join(); // join's happens-before edge publishes value and failure
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (call.failure instanceof Exception e) {
            throw e;
        }
        if (call.failure instanceof Error e) {
            throw e;
        }
        if (call.failure != null) { // a Throwable of neither kind, thrown through a generic trick
            throw new java.lang.reflect.UndeclaredThrowableException(call.failure);
        }
        return call.value;
    }
}
