package io.loomring.net;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Objects;
import javax.net.ServerSocketFactory;

/**
 * A {@link ServerSocketFactory} whose server sockets are plain {@link ServerSocket}s that wait on a
 * Loomring {@link IoScheduler}; the sockets they accept wait on the same scheduler.
 *
 * <pre>{@code
 * try (ServerSocket server = new LoomringServerSocketFactory().createServerSocket(0)) {
 *     Socket s = server.accept();                 // parks this virtual thread
 * }
 * }</pre>
 *
 * <p>Accept timeouts ({@link ServerSocket#setSoTimeout}, then
 * {@link java.net.SocketTimeoutException}), SO_RCVBUF, SO_REUSEADDR (on by default) and
 * SO_REUSEPORT are supported; {@link ServerSocket#close()} from another thread wakes a blocked
 * accept with {@code SocketException: Socket closed}. The JDK's
 * {@link ServerSocket#implAccept(java.net.Socket)} into a socket of another implementation is not.
 */
public class LoomringServerSocketFactory extends ServerSocketFactory {
    /** The JDK's default backlog for {@link ServerSocket}. */
    private static final int DEFAULT_BACKLOG = 50;

    private final IoScheduler scheduler;

    /** Server sockets on the {@linkplain IoScheduler#shared() shared} scheduler. */
    public LoomringServerSocketFactory() {
        this(IoScheduler.shared());
    }

    /**
     * Server sockets on {@code scheduler} (which must stay open while they are used).
     *
     * @param scheduler the scheduler the server sockets, and the sockets they accept, wait on
     */
    public LoomringServerSocketFactory(IoScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Server sockets on the scheduler registered as {@code schedulerName} with
     * {@link LoomringSocketFactory#registerScheduler}, or the shared one for null or empty.
     *
     * @param schedulerName the name a scheduler was registered under, or null or empty for the
     *                      shared scheduler
     * @throws IllegalArgumentException if no scheduler is registered under that name
     */
    public LoomringServerSocketFactory(String schedulerName) {
        this(LoomringSocketFactory.lookup(schedulerName));
    }

    /** {@return the scheduler this factory's server sockets wait on} */
    public IoScheduler scheduler() {
        return scheduler;
    }

    /** An unbound server socket. */
    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new LoomringServerSocket(scheduler);
    }

    /** A server socket bound to the wildcard address and {@code port} (0: a free one). */
    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket(port, DEFAULT_BACKLOG, null);
    }

    /** A server socket bound to the wildcard address and {@code port}, with {@code backlog}. */
    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return createServerSocket(port, backlog, null);
    }

    /**
     * A server socket bound to {@code ifAddress} (null: the wildcard) and {@code port}, with
     * {@code backlog} (below 1: the default, 50).
     */
    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("Port value out of range: " + port);
        }
        ServerSocket s = createServerSocket();
        try {
            s.bind(new InetSocketAddress(ifAddress, port), backlog < 1 ? DEFAULT_BACKLOG : backlog);
            return s;
        } catch (Throwable t) {
            try {
                s.close();
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    @Override
    public String toString() {
        return "LoomringServerSocketFactory[" + scheduler + "]";
    }
}
