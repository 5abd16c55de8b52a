package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.util.Objects;

/**
 * A socket's connection state and the connect that moves it: unconnected, connecting (one thread
 * at a time), connected. A non-blocking {@code connect(2)} that says {@code EINPROGRESS} waits
 * for the fd to be writable, then reads {@code SO_ERROR}; a connect that fails or is interrupted
 * halfway closes the socket, as the JDK's {@code SocketChannel} does, since the fd's state is
 * then unknown.
 */
public final class SocketConnector {
    private static final int UNCONNECTED = 0;
    private static final int CONNECTING = 1;
    private static final int CONNECTED = 2;

    private final SocketFd fd;
    private final int family;
    private final Object stateLock = new Object();
    private volatile int state;
    private volatile InetSocketAddress remote;

    /** @param remote the peer of an accepted socket (which is connected), or null */
    public SocketConnector(SocketFd fd, int family, InetSocketAddress remote) {
        this.fd = fd;
        this.family = family;
        this.remote = remote;
        this.state = remote != null ? CONNECTED : UNCONNECTED;
    }

    public boolean isConnected() {
        return state == CONNECTED;
    }

    /** The peer's address, or null if not connected. Still known after close. */
    public InetSocketAddress remote() {
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
    public void connect(InetSocketAddress address, long timeoutNanos) throws IOException {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new UnknownHostException(address.getHostString());
        }
        fd.begin();
        boolean started = false;
        boolean connected = false;
        try {
            synchronized (stateLock) {
                if (state == CONNECTED) {
                    throw new AlreadyConnectedException();
                }
                if (state == CONNECTING) {
                    throw new ConnectionPendingException();
                }
                state = CONNECTING;
            }
            started = true;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment addr = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
                int len = Sockets.encode(address, family, addr);
                awaitConnected(addr, len, address, SocketFd.deadline(timeoutNanos));
            }
            remote = address;
            state = CONNECTED;
            connected = true;
        } finally {
            fd.end();
            if (started && !connected) {
                fd.closeQuietly();
            }
        }
    }

    private void awaitConnected(MemorySegment addr, int len, InetSocketAddress address, long deadline)
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
