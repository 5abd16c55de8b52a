package io.loomring.poller;

/** Small thread helpers the carriers and their monitor share. */
public final class Threads {
    private Threads() {}

    /**
     * Waits until {@code t} has ended, even when interrupted meanwhile (shutdown must finish);
     * the caller's interrupt status is restored afterwards.
     */
    public static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
