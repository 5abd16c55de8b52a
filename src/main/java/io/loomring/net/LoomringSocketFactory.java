package io.loomring.net;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} whose sockets are plain {@link Socket}s that wait on a Loomring
 * {@link IoScheduler} (io_uring or epoll): hand it to any library that takes a socket factory and
 * its blocking socket code parks virtual threads on Loomring.
 *
 * <pre>{@code
 * Properties props = new Properties();                       // PostgreSQL's JDBC driver
 * props.setProperty("socketFactory", LoomringSocketFactory.class.getName());
 * Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/app", props);
 * }</pre>
 *
 * <p>Libraries that instantiate the factory by class name get the shared scheduler from the
 * no-argument constructor, or, through the {@linkplain #LoomringSocketFactory(String) String
 * constructor} (PostgreSQL's {@code socketFactoryArg}), a scheduler the application
 * {@linkplain #registerScheduler registered} under a name.
 *
 * <p>The sockets follow {@link Socket}'s documentation: connect timeouts, SO_TIMEOUT on reads
 * ({@link java.net.SocketTimeoutException}, the socket stays usable), half-close, {@code available},
 * TCP_NODELAY, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR, SO_REUSEPORT, SO_LINGER, IP_TOS,
 * IPv4 and IPv6; a close from another thread wakes blocked calls with
 * {@code SocketException: Socket closed}. Not supported (an exception names it): urgent data,
 * SOCKS and HTTP proxies, {@code jdk.net.ExtendedSocketOptions}. {@link Socket#getChannel()} is
 * null, as for any socket not made by a {@code SocketChannel}.
 */
public class LoomringSocketFactory extends SocketFactory {
    private static final Map<String, IoScheduler> NAMED = new ConcurrentHashMap<>();

    private final IoScheduler scheduler;

    /** Sockets on the {@linkplain IoScheduler#shared() shared} scheduler. */
    public LoomringSocketFactory() {
        this(IoScheduler.shared());
    }

    /**
     * Sockets on {@code scheduler} (which must stay open while they are used).
     *
     * @param scheduler the scheduler the sockets wait on
     */
    public LoomringSocketFactory(IoScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Sockets on the scheduler {@linkplain #registerScheduler registered} as {@code schedulerName},
     * or on the shared scheduler when the name is null or empty. For libraries that create the
     * factory by class name with one string argument (PostgreSQL's {@code socketFactoryArg}).
     *
     * @param schedulerName the name a scheduler was registered under, or null or empty for the
     *                      shared scheduler
     * @throws IllegalArgumentException if no scheduler is registered under that name
     */
    public LoomringSocketFactory(String schedulerName) {
        this(lookup(schedulerName));
    }

    /**
     * Makes {@code scheduler} available to {@link #LoomringSocketFactory(String)} and
     * {@link LoomringServerSocketFactory#LoomringServerSocketFactory(String)} under {@code name},
     * replacing any scheduler registered under it before.
     *
     * @param name      the name to register it under (not empty: that means the shared scheduler)
     * @param scheduler the scheduler
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public static void registerScheduler(String name, IoScheduler scheduler) {
        if (Objects.requireNonNull(name, "name").isEmpty()) {
            throw new IllegalArgumentException("the empty name means the shared scheduler");
        }
        NAMED.put(name, Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * Removes the scheduler registered under {@code name}.
     *
     * @param name the name it was registered under
     * @return the scheduler that was registered under {@code name}, or null if none was
     */
    public static IoScheduler unregisterScheduler(String name) {
        return NAMED.remove(Objects.requireNonNull(name, "name"));
    }

    /**
     * Makes Loomring's sockets the process default, for libraries that take no socket factory:
     * every {@code new Socket(...)} and {@code new ServerSocket(...)} made after this call waits on
     * {@code scheduler} (through {@link Socket#setSocketImplFactory} and
     * {@link java.net.ServerSocket#setSocketFactory}), and plain {@code ServerSocket.accept()}
     * returns Loomring sockets.
     *
     * <p>Limits, all the JDK's: it can be done once per JVM and never undone (each JDK factory can
     * be set once; a second call, or a factory someone else set first, fails with
     * {@code SocketException: factory already defined}, and if only the server factory was taken
     * the client one stays installed); sockets made before the call are unchanged; sockets made
     * with a SOCKS or HTTP {@link Proxy} keep the JDK's implementation, and a plain socket no
     * longer goes through {@code socksProxyHost} (Loomring refuses such a connect); NIO channels,
     * and what is built on them (the JDK's {@code HttpClient}, {@code SocketChannel.socket()}), are
     * not affected.
     *
     * @param scheduler the scheduler the process's sockets wait on
     * @throws java.net.SocketException if a socket implementation factory was set before
     */
    @SuppressWarnings("deprecation") // the JDK's only hook for a process-wide SocketImpl
    public static synchronized void installAsProcessDefault(IoScheduler scheduler) throws IOException {
        Objects.requireNonNull(scheduler, "scheduler");
        Socket.setSocketImplFactory(() -> new LoomringSocketImpl(scheduler));
        java.net.ServerSocket.setSocketFactory(() -> new LoomringServerSocketImpl(scheduler));
    }

    static IoScheduler lookup(String name) {
        if (name == null || name.isEmpty()) {
            return IoScheduler.shared();
        }
        IoScheduler s = NAMED.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no IoScheduler registered as '" + name + "' (registered: "
                    + NAMED.keySet() + "); call LoomringSocketFactory.registerScheduler first");
        }
        return s;
    }

    /** {@return the scheduler this factory's sockets wait on} */
    public IoScheduler scheduler() {
        return scheduler;
    }

    /** An unconnected socket; its fd is opened when it is first used (an option, bind or connect). */
    @Override
    public Socket createSocket() throws IOException {
        return new LoomringSocket(new LoomringSocketImpl(scheduler));
    }

    /**
     * An unconnected socket for {@code proxy}: only {@link Proxy#NO_PROXY} (or another DIRECT proxy)
     * is supported.
     *
     * @param proxy the proxy, which must be a DIRECT one
     * @return a new unconnected socket, as {@link #createSocket()}
     * @throws UnsupportedOperationException for a SOCKS or HTTP proxy
     * @throws IOException                   if the socket cannot be created
     */
    public Socket createSocket(Proxy proxy) throws IOException {
        Objects.requireNonNull(proxy, "proxy");
        if (proxy.type() != Proxy.Type.DIRECT) {
            throw new UnsupportedOperationException("Loomring sockets do not support " + proxy.type()
                    + " proxies (" + proxy + "); use the JDK's sockets for proxied connections");
        }
        return createSocket();
    }

    /** A socket connected to {@code host:port} (resolved here). */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    /** A socket bound to {@code localAddress:localPort}, then connected to {@code host:port}. */
    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, localPort));
    }

    /** A socket connected to {@code address:port}. */
    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return connected(new InetSocketAddress(address, port), null);
    }

    /** A socket bound to {@code localAddress:localPort}, then connected to {@code address:port}. */
    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket s = createSocket();
        try {
            if (local != null) {
                s.bind(local);
            }
            s.connect(remote);
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
        return "LoomringSocketFactory[" + scheduler + "]";
    }
}
