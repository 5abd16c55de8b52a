package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import io.loomring.jfr.SocketConnectEvent;
import io.loomring.jfr.SocketEvents;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.util.Objects;

/**
 * A socket's connection state and the connect that moves it: unconnected, connecting (one connect
 * at a time), connected. A non-blocking {@code connect(2)} that says {@code EINPROGRESS} leaves
 * the connect pending: a blocking connect then waits for the fd to be writable and reads
 * {@code SO_ERROR}; a non-blocking one ({@link #connectNow}) returns, and
 * {@link #finishConnect} completes it later. A blocking connect that fails or is interrupted
 * halfway closes the socket, as the JDK's {@code SocketChannel} does, since the fd's state is then
 * unknown; after a non-blocking one fails, the face closes it (it may have to drop the fd from a
 * selector first).
 */
public final class SocketConnector {
    private static final int UNCONNECTED = 0;
    private static final int CONNECTING = 1;
    private static final int CONNECTED = 2;

    private final SocketFd fd;
    private final int family;
    private final Object stateLock = new Object();
    private volatile int state;
    private volatile SocketAddress remote;
    /** The address of a connect still pending, for {@link #finishConnect}. */
    private volatile SocketAddress pending;

    /** @param remote the peer of an accepted socket (which is connected), or null */
    public SocketConnector(SocketFd fd, int family, SocketAddress remote) {
        this.fd = fd;
        this.family = family;
        this.remote = remote;
        this.state = remote != null ? CONNECTED : UNCONNECTED;
    }

    public boolean isConnected() {
        return state == CONNECTED;
    }

    /** True while a non-blocking connect is pending ({@link #finishConnect} has not completed it). */
    public boolean isConnectionPending() {
        return state == CONNECTING;
    }

    /** The peer's address, or null if not connected. Still known after close. */
    public SocketAddress remote() {
        return remote;
    }

    /**
     * Registers an operation that needs the connection ({@link SocketFd#begin}).
     *
     * @throws NotYetConnectedException if not connected
     */
    public void beginIo() throws ClosedChannelException {
        fd.begin();
        if (state != CONNECTED) {
            fd.end();
            throw new NotYetConnectedException();
        }
    }

    /**
     * Connects to {@code address}, parking at most {@code timeoutNanos} (0: no limit of its own).
     * Closes the socket when the connect started and did not succeed.
     */
    public void connect(SocketAddress address, long timeoutNanos) throws IOException {
        checkResolved(address);
        SocketConnectEvent event = SocketEvents.beginConnect();
        fd.begin();
        boolean started = false;
        boolean connected = false;
        try {
            startConnecting();
            started = true;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
                int len = SocketAddresses.encode(address, family, addr);
                awaitConnected(addr, len, address, SocketFd.deadline(timeoutNanos));
            }
            connected(address);
            connected = true;
            if (event != null && SocketEvents.endConnect(event, address, timeoutNanos)) {
                event.commit();
            }
        } finally {
            fd.end();
            if (started && !connected) {
                fd.closeQuietly();
            }
        }
    }

    /**
     * Starts a connect to {@code address} that does not wait: true when it completed at once,
     * false when it is pending ({@link #finishConnect}). On failure the state goes back to
     * unconnected and the caller closes the socket.
     */
    public boolean connectNow(SocketAddress address) throws IOException {
        checkResolved(address);
        fd.begin();
        boolean started = false;
        boolean ok = false;
        try {
            startConnecting();
            started = true;
            pending = address;
            int r = connectCall(address);
            if (r == 0 || r == -SocketErrors.EISCONN) {
                connected(address);
            } else if (r != -Errno.EINPROGRESS && r != -Errno.EINTR) {
                throw SocketErrors.connect(-r, address);
            }
            ok = true;
            return state == CONNECTED;
        } finally {
            if (started && !ok) {
                state = UNCONNECTED;
            }
            fd.end();
        }
    }

    /**
     * Completes a pending connect: true when connected. Without {@code blocking} it returns false
     * while the connect is still in progress; with it, it parks until the connect ends.
     *
     * @throws NoConnectionPendingException if no connect was started
     */
    public boolean finishConnect(boolean blocking) throws IOException {
        int s = state;
        if (s == CONNECTED) {
            return true;
        }
        if (s == UNCONNECTED) {
            throw new NoConnectionPendingException();
        }
        SocketAddress address = pending;
        fd.begin();
        try {
            IoRoute route = fd.route();
            for (;;) {
                int soError = SocketCalls.takeSocketError(fd.fd());
                if (soError != 0) {
                    state = UNCONNECTED;
                    throw SocketErrors.connect(soError, address);
                }
                int r = connectCall(address);
                if (r == 0 || r == -SocketErrors.EISCONN) {
                    connected(address);
                    return true;
                }
                if (r != -Errno.EINPROGRESS && r != -Errno.EALREADY && r != -Errno.EINTR) {
                    state = UNCONNECTED;
                    fd.checkNotClosing();
                    throw SocketErrors.connect(-r, address);
                }
                if (!blocking) {
                    return false;
                }
                fd.await(route, false, 0, "Connect timed out (" + address + ")");
            }
        } finally {
            fd.end();
        }
    }

    private static void checkResolved(SocketAddress address) throws UnknownHostException {
        Objects.requireNonNull(address, "address");
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            throw new UnknownHostException(inet.getHostString());
        }
    }

    private void startConnecting() {
        synchronized (stateLock) {
            if (state == CONNECTED) {
                throw new AlreadyConnectedException();
            }
            if (state == CONNECTING) {
                throw new ConnectionPendingException();
            }
            state = CONNECTING;
        }
    }

    private void connected(SocketAddress address) {
        remote = address;
        pending = null;
        state = CONNECTED;
    }

    private int connectCall(SocketAddress address) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            int len = SocketAddresses.encode(address, family, addr);
            return Sockets.connect(Native.threadCaptureState(), fd.fd(), addr, len);
        }
    }

    private void awaitConnected(MemorySegment addr, int len, SocketAddress address, long deadline)
            throws IOException {
        MemorySegment capture = Native.threadCaptureState();
        IoRoute route = fd.route();
        int r = Sockets.connect(capture, fd.fd(), addr, len);
        for (;;) {
            if (r == 0 || r == -SocketErrors.EISCONN) {
                return;
            }
            int err = -r;
            if (err != Errno.EINPROGRESS && err != Errno.EALREADY && err != Errno.EINTR) {
                fd.checkNotClosing();
                throw SocketErrors.connect(err, address);
            }
            fd.await(route, false, deadline, "Connect timed out (" + address + ")");
            int soError = SocketCalls.takeSocketError(fd.fd());
            if (soError != 0) {
                throw SocketErrors.connect(soError, address);
            }
            // Writable without error: connected, unless the wakeup was spurious (then EALREADY).
            r = Sockets.connect(capture, fd.fd(), addr, len);
        }
    }
}
