package io.loomring.launch;

/**
 * The launcher cannot run the application (a usage error, a missing class or entry point): the
 * launcher prints the message and exits with status 1, without a stack trace.
 */
public final class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the message the launcher prints.
     *
     * @param message what is wrong, and what to do
     */
    public LaunchException(String message) {
        super(message);
    }
}
