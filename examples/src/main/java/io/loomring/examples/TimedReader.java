package io.loomring.examples;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;

/**
 * Reads one connection of a request/response protocol with its {@link ReadTimeouts}, using the
 * socket's own read timeout: between requests a read waits at most the idle timeout; once part of
 * a request has arrived, reads wait at most what remains of the request timeout, counted from that
 * first byte. So a client that keeps sending requests stays connected however long it stays,
 * while one that stalls, before or inside a request, is let go.
 *
 * <p>The handler says where the conversation is: {@link #requestBegun} when it holds part of a
 * request, {@link #requestComplete} when it has all of one. A read that waits too long fails with
 * a {@link SocketTimeoutException} whose message says which limit was reached.
 *
 * <p>One connection thread uses an instance; it is not thread-safe.
 */
public final class TimedReader implements ReadableByteChannel {
    private final BlockingConnection connection;
    private final ReadTimeouts timeouts;
    private final long requestNanos;
    private final long idleNanos;
    private boolean inRequest;
    private long deadline; // System.nanoTime() by which the current request must be complete
    /**
     * The socket's read timeout as last set here, in nanoseconds, 0 for none (a new socket's).
     * Set only when it changes: between requests it stays the idle timeout, and the socket
     * stack's own per-read timer is all a read costs.
     */
    private long timeoutSet;

    /** Reads {@code connection}, which is still at its default of no read timeout. */
    public TimedReader(BlockingConnection connection, ReadTimeouts timeouts) {
        this.connection = connection;
        this.timeouts = timeouts;
        this.requestNanos = timeouts.request().toNanos();
        this.idleNanos = timeouts.idle().toNanos();
    }

    /**
     * Part of a request has arrived (or, for a protocol where the client speaks first, the
     * connection is new): the request timeout starts now unless it already runs.
     */
    public void requestBegun() {
        if (!inRequest) {
            inRequest = true;
            deadline = System.nanoTime() + requestNanos;
        }
    }

    /** A whole request has arrived: until the next one begins, reads wait at most the idle timeout. */
    public void requestComplete() {
        inRequest = false;
    }

    /** True between {@link #requestBegun} and {@link #requestComplete}. */
    public boolean inRequest() {
        return inRequest;
    }

    /**
     * Reads at least one byte into {@code b[off, off + len)}, as {@link BlockingConnection#read}.
     *
     * @return the bytes read, or -1 at end of stream
     * @throws SocketTimeoutException if the current limit passed first (or had already passed)
     */
    public int read(byte[] b, int off, int len) throws IOException {
        applyTimeout();
        try {
            return connection.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw timedOut();
        }
    }

    /**
     * Reads into {@code dst}, as {@link BlockingConnection#read(ByteBuffer)}.
     *
     * @return the bytes read, or -1 at end of stream
     * @throws SocketTimeoutException if the current limit passed first (or had already passed)
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        applyTimeout();
        try {
            return connection.read(dst);
        } catch (SocketTimeoutException e) {
            throw timedOut();
        }
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** Closes the connection. */
    @Override
    public void close() throws IOException {
        connection.close();
    }

    /** Gives the socket the read timeout the next read may wait: idle, or what is left of the request's. */
    private void applyTimeout() throws IOException {
        long timeout = idleNanos;
        if (inRequest) {
            timeout = 0;
            if (requestNanos > 0) {
                timeout = deadline - System.nanoTime();
                if (timeout <= 0) { // it took its time between reads already
                    throw timedOut();
                }
            }
        }
        if (timeout != timeoutSet) {
            connection.setReadTimeout(Duration.ofNanos(timeout));
            timeoutSet = timeout;
        }
    }

    private SocketTimeoutException timedOut() {
        return new SocketTimeoutException(inRequest
                ? "request not complete within " + ReadTimeouts.describe(timeouts.request())
                : "idle for " + ReadTimeouts.describe(timeouts.idle()));
    }
}
