package io.loomring.examples;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a request/response server waits for a client, in the two places a client can stall it:
 * Without limits every client that connects and then says nothing, or only half of something,
 * holds a file descriptor and a thread for as long as it likes.
 *
 * @param request how long a request may take to arrive completely, from its first byte (for an
 *                HTTP connection's first request, from the accept); {@link Duration#ZERO} for no limit
 * @param idle    how long a connection may wait for the first byte of its next request;
 *                {@link Duration#ZERO} for no limit
 */
public record ReadTimeouts(Duration request, Duration idle) {
    /** No limits: connections wait for their clients for ever. */
    public static final ReadTimeouts NONE = new ReadTimeouts(Duration.ZERO, Duration.ZERO);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a timeout is negative
     */
    public ReadTimeouts {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(idle, "idle");
        if (request.isNegative() || idle.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative: " + request + ", " + idle);
        }
    }

    /** For messages: {@code 10 s}, {@code 500 ms}, or {@code no limit}. */
    static String describe(Duration timeout) {
        if (timeout.isZero()) {
            return "no limit";
        }
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
