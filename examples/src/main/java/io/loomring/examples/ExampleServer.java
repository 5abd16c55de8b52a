package io.loomring.examples;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A started example server: the command line runs one until a signal arrives, tests start them on
 * ephemeral ports and close them.
 */
public interface ExampleServer extends AutoCloseable {
    /** The address actually bound (with the real port when 0 was asked for). */
    InetSocketAddress localAddress();

    /** What waits for I/O: {@code io_uring}, {@code epoll}, or {@code selector}. */
    String engine();

    /**
     * Blocks until the server stops. Returns normally after {@link #close()}.
     *
     * @throws IOException if the server stopped on its own because accepting failed for good
     */
    void awaitTermination() throws IOException, InterruptedException;

    /** Stops accepting, closes every connection and waits for their threads. Idempotent. */
    @Override
    void close();
}
