package io.loomring.examples;

import io.loomring.IoScheduler;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The server loop every Loomring example shares: accept a connection, start a virtual thread for
 * it, hand it to a {@link ConnectionHandler}. All blocking calls park only the virtual thread.
 * By default the acceptor and the connection threads are carried by the scheduler's carriers
 * ({@link IoScheduler#threadFactory}): each runs on the carrier whose ring waits for its I/O.
 * With {@code --mode shared} they are ordinary virtual threads and the carriers only poll.
 */
public final class LoomringServer implements ExampleServer {
    /** Room for connection bursts (wrk opens a thousand at once); the kernel caps it at somaxconn. */
    private static final int BACKLOG = 4096;
    private static final System.Logger LOG = System.getLogger(LoomringServer.class.getName());

    private final String name;
    private final ConnectionHandler handler;
    private final IoScheduler scheduler;
    private final TcpServerSocket serverSocket;
    private final ExecutorService connectionThreads;
    private final Set<TcpSocket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;
    private volatile Throwable failure; // why the accept loop ended without close()

    private LoomringServer(String name, ConnectionHandler handler, IoScheduler scheduler,
                           TcpServerSocket serverSocket, boolean carried) {
        this.name = name;
        this.handler = handler;
        this.scheduler = scheduler;
        this.serverSocket = serverSocket;
        this.connectionThreads = Executors.newThreadPerTaskExecutor(carried
                ? scheduler.threadFactory(name + "-connection-")
                : Thread.ofVirtual().name(name + "-connection-", 0).factory());
        ThreadFactory acceptors = carried ? scheduler.threadFactory(name + "-acceptor-")
                : Thread.ofVirtual().name(name + "-acceptor-", 0).factory();
        this.acceptor = acceptors.newThread(() -> {
            try {
                acceptLoop();
            } catch (Throwable t) { // recorded for awaitTermination(), which ends the process
                failure = t;
            }
        });
    }

    /**
     * Binds {@code config.address()} and starts accepting, with a scheduler of its own on
     * {@code config.backend()} with {@code config.carriers()} carriers.
     *
     * @throws IOException if the address cannot be bound
     * @throws java.io.UncheckedIOException if the backend cannot start
     */
    public static LoomringServer start(String name, ServerConfig config, ConnectionHandler handler)
            throws IOException {
        IoScheduler.Builder builder = IoScheduler.builder().backend(config.backend()).completionIo(!config.readiness());
        if (config.carriers() > 0) {
            builder.carriers(config.carriers());
        }
        if (config.subPollers() >= 0) {
            builder.subPollers(config.subPollers());
        }
        IoScheduler scheduler = builder.build();
        try {
            TcpServerSocket serverSocket = TcpServerSocket.bind(config.address(), BACKLOG, false, scheduler);
            LoomringServer server = new LoomringServer(name, handler, scheduler, serverSocket, config.carried());
            server.acceptor.start();
            return server;
        } catch (IOException | RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return serverSocket.localAddress();
    }

    @Override
    public String engine() {
        return scheduler.backend().name().toLowerCase(Locale.ROOT);
    }

    /** The connections open right now. */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public void awaitTermination() throws IOException, InterruptedException {
        acceptor.join();
        Throwable t = failure;
        if (t instanceof IOException e) {
            throw e;
        } else if (t != null) {
            throw new IOException(name + ": accept loop failed: " + t, t);
        }
    }

    private void acceptLoop() throws IOException {
        while (!closing) {
            TcpSocket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                if (serverSocket.isClosed() || scheduler.isClosed()) {
                    throw e;
                }
                // Usually transient, such as running out of file descriptors: pause instead of
                // spinning, and keep serving the connections already open. (Plain System.err: a
                // logging framework may itself need a file descriptor to report this.)
                System.err.println(name + ": accept failed, retrying: " + e.getMessage());
                pause();
                continue;
            }
            connections.add(socket);
            if (closing) { // close() may have swept the set before this socket was in it
                closeQuietly(socket);
                return;
            }
            connectionThreads.execute(() -> serve(socket));
        }
    }

    private void serve(TcpSocket socket) {
        try (socket) {
            // Request/response protocols: send each reply at once instead of waiting for an ACK.
            socket.setTcpNoDelay(true);
            handler.handle(socket);
        } catch (SocketTimeoutException e) {
            // A client that stalled (see ReadTimeouts) is routine on a server open to the world:
            // one line at DEBUG, which is off unless asked for, never a stack trace.
            LOG.log(System.Logger.Level.DEBUG,
                    () -> name + ": closed " + socket.remoteAddress() + ": " + e.getMessage());
        } catch (IOException e) {
            // The peer went away, or close() closed the socket under us: nothing left to do.
        } catch (RuntimeException e) {
            System.err.println(name + ": connection handler failed: " + e);
            e.printStackTrace();
        } finally {
            connections.remove(socket);
        }
    }

    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            serverSocket.close(); // wakes the acceptor
        } catch (IOException e) {
            System.err.println(name + ": closing the server socket failed: " + e.getMessage());
        }
        boolean interrupted = false;
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        connections.forEach(LoomringServer::closeQuietly); // wakes blocked readers and writers
        connectionThreads.close(); // waits for every connection thread to finish
        scheduler.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(TcpSocket socket) {
        try {
            socket.close();
        } catch (Exception e) {
            // already closed or reset: either way it is gone
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
