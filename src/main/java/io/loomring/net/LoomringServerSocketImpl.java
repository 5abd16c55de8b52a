package io.loomring.net;

import io.loomring.socket.ListeningSocket;
import io.loomring.socket.SocketCalls;
import io.loomring.socket.SocketFd;
import io.loomring.socket.StreamSocket;
import io.loomring.socket.TcpOption;
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
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The server side of Loomring's {@code java.net} adapter: a {@link SocketImpl} over the listening
 * socket core ({@link ListeningSocket}, which {@link TcpServerSocket} is a face of too), for
 * {@link java.net.ServerSocket}s from {@link LoomringServerSocketFactory}. {@link #accept} hands
 * the connection to a {@link LoomringSocketImpl}, so accepted sockets wait on the same
 * {@link IoScheduler}.
 *
 * <p>{@link java.net.ServerSocket#bind} calls {@link #bind} and then {@link #listen}; the socket is
 * created, bound and put to listening in {@code listen} (that is what {@link TcpServerSocket#bind}
 * does in one step), so options set before binding are applied right after it: SO_REUSEPORT
 * before the bind, SO_RCVBUF and SO_REUSEADDR after. SO_REUSEADDR is on by default, as on the JDK's
 * server sockets (on Linux); turning it off changes what {@code getReuseAddress} reports, not how
 * the bind behaved. Binding to the IPv4 wildcard binds the dual-stack IPv6 wildcard where the
 * machine has IPv6, so IPv4 and IPv6 clients are both accepted, as with the JDK's sockets.
 */
final class LoomringServerSocketImpl extends SocketImpl {
    private final IoScheduler scheduler;
    private final Object stateLock = new Object();
    private volatile boolean created;
    private volatile boolean closed;
    private InetSocketAddress bindAddress;
    private volatile ListeningSocket server;
    private volatile int timeoutMillis;
    /** Options set before listen (under the state lock), applied once the socket exists. */
    private final Map<TcpOption, Integer> beforeListen = new EnumMap<>(TcpOption.class);

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
            boolean reusePort = beforeListen.getOrDefault(TcpOption.SO_REUSEPORT, 0) != 0;
            ListeningSocket s = ListeningSocket.bind(bindAddress, Math.max(backlog, 1), reusePort, scheduler);
            try {
                for (Map.Entry<TcpOption, Integer> e : beforeListen.entrySet()) {
                    // SO_REUSEPORT went into the bind, and the bind turned SO_REUSEADDR on
                    boolean setByBind = e.getKey() == TcpOption.SO_REUSEPORT
                            || (e.getKey() == TcpOption.SO_REUSEADDR && e.getValue() != 0);
                    if (!setByBind) {
                        s.setOption(e.getKey(), e.getValue());
                    }
                }
            } catch (IOException e) {
                s.close();
                throw e;
            }
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
        ListeningSocket s = ensureListening();
        StreamSocket accepted;
        try {
            accepted = s.accept(SocketFd.timeoutNanos(Duration.ofMillis(timeoutMillis)));
        } catch (IOException e) {
            throw JavaNetErrors.translate(e);
        }
        target.attachAccepted(accepted);
    }

    @Override
    protected void close() throws IOException {
        ListeningSocket s;
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

    private ListeningSocket ensureListening() throws SocketException {
        ensureOpen();
        ListeningSocket s = server;
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
            if (optID == SocketOptions.SO_TIMEOUT) {
                int ms = JavaNetOptions.intValue(value, "SO_TIMEOUT");
                if (ms < 0) {
                    throw new IllegalArgumentException("timeout < 0");
                }
                timeoutMillis = ms;
                return;
            }
            TcpOption option = JavaNetOptions.legacy(optID, true);
            int v = JavaNetOptions.fromLegacy(option, value);
            beforeListen.put(option, v);
            ListeningSocket s = server;
            if (s != null) {
                try {
                    s.setOption(option, v);
                } catch (IOException e) {
                    throw JavaNetErrors.asSocketException(e);
                }
            }
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        synchronized (stateLock) {
            ensureOpen();
            ListeningSocket s = server;
            if (optID == SocketOptions.SO_TIMEOUT) {
                return timeoutMillis;
            }
            if (optID == SocketOptions.SO_BINDADDR) {
                if (s == null) {
                    throw new SocketException("Not bound");
                }
                return s.localAddress().getAddress();
            }
            TcpOption option = JavaNetOptions.legacy(optID, true);
            try {
                Integer v = s != null ? Integer.valueOf(s.getOption(option)) : beforeListen.get(option);
                return JavaNetOptions.toLegacy(option, v != null ? v : defaultValue(option));
            } catch (IOException e) {
                throw JavaNetErrors.asSocketException(e);
            }
        }
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return JavaNetOptions.SERVER;
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        JavaNetOptions.checkOption(JavaNetOptions.SERVER, name, value);
        setOption(TcpOption.bySocketOption(name).legacyId(), value);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        JavaNetOptions.checkOption(JavaNetOptions.SERVER, name);
        return (T) getOption(TcpOption.bySocketOption(name).legacyId());
    }

    /**
     * An option's value before listen when none was set: SO_REUSEADDR on (as {@link ListeningSocket#bind}
     * sets it), SO_REUSEPORT off, SO_RCVBUF the kernel's default, as the JDK reports it.
     */
    private static int defaultValue(TcpOption option) throws SocketException {
        return switch (option) {
            case SO_REUSEADDR -> 1;
            case SO_REUSEPORT -> 0;
            default -> defaultReceiveBufferSize();
        };
    }

    /** SO_RCVBUF of a fresh TCP socket: what the JDK reports before the bind. */
    private static int defaultReceiveBufferSize() throws SocketException {
        int fd = SocketCalls.newTcpSocket(Sockets.AF_INET);
        try {
            return TcpOption.SO_RCVBUF.get(fd, Sockets.AF_INET);
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
