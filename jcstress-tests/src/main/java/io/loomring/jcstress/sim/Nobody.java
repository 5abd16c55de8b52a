package io.loomring.jcstress.sim;

/**
 * A thread that is never started: the owner of a {@code Completion} in tests where no thread parks.
 * Unparking it does nothing.
 */
public final class Nobody {
    private Nobody() {}

    /** The never-started thread. */
    public static final Thread THREAD = Thread.ofPlatform().name("loomring-jcstress-nobody").unstarted(() -> { });
}
