package io.loomring.net;

import io.loomring.IoScheduler;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The server side of Loomring's {@code java.net} adapter: a {@link SocketImpl} over a
 * {@link TcpServerSocket}, for {@link java.net.ServerSocket}s from
 * {@link LoomringServerSocketFactory}. {@link #accept} hands the connection to a
 * {@link LoomringSocketImpl}, so accepted sockets wait on the same {@link IoScheduler}.
 *
 * <p>{@link java.net.ServerSocket#bind} calls {@link #bind} and then {@link #listen}; the socket is
 * created, bound and put to listening in {@code listen} (that is what {@link TcpServerSocket#bind}
 * does in one step), so options set before binding are applied right after it: StandardSocketOptions.SO_REUSEPORT before
 * the bind, StandardSocketOptions.SO_RCVBUF and StandardSocketOptions.SO_REUSEADDR after. StandardSocketOptions.SO_REUSEADDR is on by default, as on the JDK's
 * server sockets (on Linux); turning it off changes what {@code getReuseAddress} reports, not how
 * the bind behaved. Binding to the IPv4 wildcard binds the dual-stack IPv6 wildcard where the
 * machine has IPv6, so IPv4 and IPv6 clients are both accepted, as with the JDK's sockets.
 */
final class LoomringServerSocketImpl extends SocketImpl {
    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT);

    private final IoScheduler scheduler;
    private final Object stateLock = new Object();
    private volatile boolean created;
    private volatile boolean closed;
    private InetSocketAddress bindAddress;
    private volatile TcpServerSocket server;
    private volatile int family;
    private volatile int timeoutMillis;
    // options set before listen, applied once the socket exists
    private boolean reuseAddress = true;
    private boolean reusePort;
    private int receiveBufferSize;

    LoomringServerSocketImpl(IoScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new IOException("Datagram socket creation not supported");
        }
        synchronized (stateLock) {
            if (created) {
                throw new IOException("Already created");
            }
            created = true;
        }
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (bindAddress != null) {
                throw new SocketException("Already bound");
            }
            InetAddress ip = host != null ? host : InetAddress.getByName("0.0.0.0");
            if (ip instanceof Inet6Address && !JavaNetCalls.IPV6) {
                throw new SocketException("Protocol family unavailable");
            }
            address = ip; // what getInetAddress reports, as the JDK: the address asked for
            if (ip.isAnyLocalAddress() && JavaNetCalls.IPV6) {
                ip = InetAddress.getByName("::");
            }
            bindAddress = new InetSocketAddress(ip, port);
        }
    }

    @Override
    protected void listen(int backlog) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (bindAddress == null) {
                throw new SocketException("Not bound");
            }
            if (server != null) {
                throw new SocketException("Already listening");
            }
            TcpServerSocket s = TcpServerSocket.bind(bindAddress, Math.max(backlog, 1), reusePort, scheduler);
            try {
                s.withFd(fd -> {
                    if (!reuseAddress) {
                        SocketCalls.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 0, "SO_REUSEADDR");
                    }
                    if (receiveBufferSize > 0) {
                        SocketCalls.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, receiveBufferSize, "SO_RCVBUF");
                    }
                    return null;
                });
            } catch (IOException e) {
                s.close();
                throw e;
            }
            family = Sockets.family(bindAddress.getAddress());
            localport = s.localAddress().getPort();
            server = s;
        }
    }

    @Override
    protected void accept(SocketImpl si) throws IOException {
        if (!(si instanceof LoomringSocketImpl target)) {
            throw new IOException("A Loomring server socket accepts only into a Loomring socket, not "
                    + si.getClass().getName());
        }
        TcpServerSocket s = ensureListening();
        TcpSocket accepted;
        try {
            accepted = s.accept(Duration.ofMillis(timeoutMillis));
        } catch (IOException e) {
            throw JavaNetErrors.translate(e);
        }
        target.attachAccepted(accepted, family);
    }

    @Override
    protected void close() throws IOException {
        TcpServerSocket s;
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            s = server;
        }
        if (s != null) {
            s.close(); // wakes blocked accepts; they see "Socket closed"
        }
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    private TcpServerSocket ensureListening() throws SocketException {
        ensureOpen();
        TcpServerSocket s = server;
        if (s == null) {
            throw new SocketException("Not bound");
        }
        return s;
    }

    // ---------------------------------------------------------------- options

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        synchronized (stateLock) {
            ensureOpen();
            TcpServerSocket s = server;
            try {
                switch (optID) {
                    case SocketOptions.SO_TIMEOUT -> {
                        int ms = LoomringSocketImpl.intValue(value, "SO_TIMEOUT");
                        if (ms < 0) {
                            throw new IllegalArgumentException("timeout < 0");
                        }
                        timeoutMillis = ms;
                    }
                    case SocketOptions.SO_RCVBUF -> {
                        int n = LoomringSocketImpl.intValue(value, "SO_RCVBUF");
                        if (n <= 0) {
                            throw new SocketException("SO_RCVBUF <= 0");
                        }
                        receiveBufferSize = n;
                        setInt(s, Sockets.SO_RCVBUF, n, "SO_RCVBUF");
                    }
                    case SocketOptions.SO_REUSEADDR -> {
                        reuseAddress = LoomringSocketImpl.booleanValue(value, "SO_REUSEADDR");
                        setInt(s, Sockets.SO_REUSEADDR, reuseAddress ? 1 : 0, "SO_REUSEADDR");
                    }
                    case SocketOptions.SO_REUSEPORT -> {
                        reusePort = LoomringSocketImpl.booleanValue(value, "SO_REUSEPORT");
                        setInt(s, Sockets.SO_REUSEPORT, reusePort ? 1 : 0, "SO_REUSEPORT");
                    }
                    default -> throw new SocketException("Unknown option " + optID);
                }
            } catch (IOException e) {
                throw JavaNetErrors.asSocketException(e);
            }
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        synchronized (stateLock) {
            ensureOpen();
            TcpServerSocket s = server;
            try {
                return switch (optID) {
                    case SocketOptions.SO_TIMEOUT -> timeoutMillis;
                    case SocketOptions.SO_RCVBUF -> s != null ? getInt(s, Sockets.SO_RCVBUF, "SO_RCVBUF")
                            : receiveBufferSize > 0 ? receiveBufferSize : defaultReceiveBufferSize();
                    case SocketOptions.SO_REUSEADDR -> s != null
                            ? getInt(s, Sockets.SO_REUSEADDR, "SO_REUSEADDR") != 0 : reuseAddress;
                    case SocketOptions.SO_REUSEPORT -> s != null
                            ? getInt(s, Sockets.SO_REUSEPORT, "SO_REUSEPORT") != 0 : reusePort;
                    case SocketOptions.SO_BINDADDR -> {
                        if (s == null) {
                            throw new SocketException("Not bound");
                        }
                        yield s.localAddress().getAddress();
                    }
                    default -> throw new SocketException("Unknown option " + optID);
                };
            } catch (IOException e) {
                throw JavaNetErrors.asSocketException(e);
            }
        }
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        LoomringSocketImpl.checkOption(OPTIONS, name, value);
        setOption(LoomringSocketImpl.legacyId(name), value);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        LoomringSocketImpl.checkOption(OPTIONS, name);
        return (T) getOption(LoomringSocketImpl.legacyId(name));
    }

    private static void setInt(TcpServerSocket s, int name, int value, String what) throws IOException {
        if (s != null) {
            s.withFd(fd -> {
                SocketCalls.setInt(fd, Sockets.SOL_SOCKET, name, value, what);
                return null;
            });
        }
    }

    private static int getInt(TcpServerSocket s, int name, String what) throws IOException {
        return s.withFd(fd -> SocketCalls.getInt(fd, Sockets.SOL_SOCKET, name, what));
    }

    /** StandardSocketOptions.SO_RCVBUF of a fresh TCP socket: what the JDK reports before the bind. */
    private static int defaultReceiveBufferSize() throws SocketException {
        int fd = SocketCalls.newTcpSocket(Sockets.AF_INET);
        try {
            return SocketCalls.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, "SO_RCVBUF");
        } finally {
            LibC.close(Native.threadCaptureState(), fd);
        }
    }

    // ---------------------------------------------------------------- not for a server socket

    @Override
    protected void connect(String host, int port) throws IOException {
        throw new SocketException("connect on a server socket");
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        throw new SocketException("connect on a server socket");
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        throw new SocketException("connect on a server socket");
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        throw new SocketException("no input stream on a server socket");
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        throw new SocketException("no output stream on a server socket");
    }

    @Override
    protected int available() throws IOException {
        throw new SocketException("available on a server socket");
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data is not supported by Loomring sockets");
    }

    @Override
    public String toString() {
        return "LoomringServerSocketImpl[" + server + "]";
    }
}
