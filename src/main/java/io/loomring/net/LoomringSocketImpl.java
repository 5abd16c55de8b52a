package io.loomring.net;

import io.loomring.socket.SocketCalls;
import io.loomring.socket.SocketFd;
import io.loomring.socket.SocketInputStream;
import io.loomring.socket.SocketOutputStream;
import io.loomring.socket.StreamContract;
import io.loomring.socket.StreamSocket;
import io.loomring.socket.TcpOption;
import io.loomring.IoScheduler;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The client side of Loomring's {@code java.net} adapter: a {@link SocketImpl} over the socket
 * core ({@link StreamSocket}, which {@link TcpSocket} is a face of too), so a plain
 * {@link java.net.Socket} (from {@link LoomringSocketFactory}) parks its virtual thread on an
 * {@link IoScheduler} instead of the JDK's poller. This class holds only what {@code java.net}
 * adds: its exceptions, SO_TIMEOUT, the legacy option ids ({@link JavaNetOptions}).
 *
 * <p>The socket is opened by {@link #create} as a dual-stack IPv6 socket (IPv4 peers reached
 * through mapped addresses) where the machine has IPv6, else as IPv4, as the JDK's own sockets do;
 * accepted sockets come from {@link LoomringServerSocketImpl#accept}. Exceptions are the JDK's:
 * a closed socket is {@code SocketException: Socket closed}, including for threads blocked in it
 * when another thread closes it; timeouts are {@link java.net.SocketTimeoutException} and leave
 * the socket usable.
 *
 * <p>Not supported, each with an exception naming it: urgent data ({@code sendUrgentData}), SOCKS
 * and HTTP proxies (a connect that the default {@link java.net.ProxySelector} would send through
 * one), datagram sockets, the JDK's extended options ({@code jdk.net.ExtendedSocketOptions}) other
 * than the TCP keep-alive tuning and TCP_QUICKACK of the option table ({@link TcpOption}).
 */
final class LoomringSocketImpl extends SocketImpl {
    private final IoScheduler scheduler;
    private final Object stateLock = new Object();
    /** What the streams add to the core's reads and writes: {@code java.net}'s exceptions. */
    private final StreamContract streamContract = new JavaNetStreamContract();
    private volatile StreamSocket socket;
    private volatile boolean closed;
    private volatile int timeoutMillis;
    private volatile InputStream in;
    private volatile OutputStream out;

    LoomringSocketImpl(IoScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new IOException("Datagram socket creation not supported");
        }
        synchronized (stateLock) {
            if (closed) {
                throw new SocketException("Socket closed");
            }
            if (socket != null) {
                throw new IOException("Already created");
            }
            boolean v6 = JavaNetCalls.IPV6;
            StreamSocket s = StreamSocket.open(v6 ? Sockets.AF_INET6 : Sockets.AF_INET, scheduler);
            if (v6) {
                try {
                    s.withFd(fd -> {
                        JavaNetCalls.dualStack(fd);
                        return null;
                    });
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
            }
            attach(s);
        }
    }

    /** Takes over a socket accepted by {@link LoomringServerSocketImpl}; this impl must be new. */
    void attachAccepted(StreamSocket accepted) throws IOException {
        synchronized (stateLock) {
            if (closed || socket != null) {
                accepted.close();
                throw new SocketException(closed ? "Socket closed" : "Not a newly created SocketImpl");
            }
            attach(accepted);
        }
        if (timeoutMillis > 0) {
            accepted.reader().setTimeout(SocketFd.timeoutNanos(Duration.ofMillis(timeoutMillis)));
        }
        InetSocketAddress remote = accepted.remoteAddress();
        InetSocketAddress local = accepted.localAddress();
        address = remote.getAddress();
        port = remote.getPort();
        localport = local != null ? local.getPort() : 0;
    }

    /** Takes {@code s} as this impl's socket, with its streams; under the state lock. */
    private void attach(StreamSocket s) {
        in = new SocketInputStream(s.reader(), streamContract);
        out = new SocketOutputStream(s.writer(), streamContract);
        socket = s;
    }

    @Override
    protected void close() throws IOException {
        StreamSocket s;
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            s = socket;
        }
        if (s != null) {
            s.close(); // wakes blocked reads, writes and connects; they see "Socket closed"
        }
    }

    private StreamSocket ensureOpen() throws SocketException {
        StreamSocket s = socket;
        if (closed || (s != null && !s.isOpen())) {
            throw new SocketException("Socket closed");
        }
        if (s == null) {
            throw new SocketException("Socket not created");
        }
        return s;
    }

    // ---------------------------------------------------------------- connect, bind

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (!(endpoint instanceof InetSocketAddress target)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        if (target.isUnresolved()) {
            throw new UnknownHostException(target.getHostName());
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        StreamSocket s = ensureOpen();
        InetAddress ip = JavaNetAddresses.connectTarget(target, s.family());
        try {
            s.connect(new InetSocketAddress(ip, target.getPort()), SocketFd.timeoutNanos(Duration.ofMillis(timeout)));
        } catch (IOException e) {
            throw JavaNetErrors.translateConnect(e);
        } catch (IllegalStateException e) { // AlreadyConnectedException, ConnectionPendingException
            throw new SocketException(e instanceof java.nio.channels.AlreadyConnectedException
                    ? "Already connected" : "Connection in progress");
        }
        address = ip;
        port = target.getPort();
        InetSocketAddress local = s.localAddress();
        localport = local != null ? local.getPort() : 0;
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        StreamSocket s = ensureOpen();
        InetAddress ip = JavaNetAddresses.bindAddress(host, s.family());
        InetSocketAddress requested = new InetSocketAddress(ip, port);
        int af = s.family();
        try {
            InetSocketAddress bound = s.withFd(fd -> {
                JavaNetCalls.bind(fd, af, requested);
                return SocketCalls.localAddress(fd);
            });
            localport = bound.getPort();
        } catch (IOException e) {
            throw JavaNetErrors.translateConnect(e);
        }
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw new SocketException("listen on a client socket; use LoomringServerSocketFactory");
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw new SocketException("accept on a client socket; use LoomringServerSocketFactory");
    }

    // ---------------------------------------------------------------- streams

    @Override
    protected InputStream getInputStream() throws IOException {
        ensureOpen();
        return in;
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        ensureOpen();
        return out;
    }

    @Override
    protected int available() throws IOException {
        StreamSocket s = ensureOpen();
        if (s.reader().isShutdown()) {
            return 0;
        }
        try {
            return s.reader().available();
        } catch (IOException e) {
            throw JavaNetErrors.translateConnect(e);
        }
    }

    @Override
    protected void shutdownInput() throws IOException {
        shutdown(true);
    }

    @Override
    protected void shutdownOutput() throws IOException {
        shutdown(false);
    }

    private void shutdown(boolean input) throws IOException {
        StreamSocket s = ensureOpen();
        try {
            if (input) {
                s.reader().shutdown();
            } else {
                s.writer().shutdown();
            }
        } catch (IOException e) {
            throw JavaNetErrors.translateConnect(e);
        } catch (NotYetConnectedException e) {
            throw new SocketException("Not connected");
        }
    }

    /**
     * True only so that {@link java.net.Socket#sendUrgentData} reaches {@link #sendUrgentData},
     * whose exception names what is missing (the JDK's own message would not say it is Loomring).
     */
    @Override
    protected boolean supportsUrgentData() {
        return true;
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data (sendUrgentData, TCP out-of-band) is not supported by Loomring sockets");
    }

    // ---------------------------------------------------------------- options

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        if (optID == SocketOptions.SO_TIMEOUT) {
            if (closed) {
                throw new SocketException("Socket closed");
            }
            int ms = JavaNetOptions.intValue(value, "SO_TIMEOUT");
            if (ms < 0) {
                throw new IllegalArgumentException("timeout < 0");
            }
            timeoutMillis = ms;
            StreamSocket s = socket;
            if (s != null) {
                s.reader().setTimeout(SocketFd.timeoutNanos(Duration.ofMillis(ms)));
            }
            return;
        }
        StreamSocket s = ensureOpen();
        TcpOption option = JavaNetOptions.legacy(optID, false);
        int v = JavaNetOptions.fromLegacy(option, value);
        try {
            s.setOption(option, v);
        } catch (IOException e) {
            throw JavaNetErrors.asSocketException(e);
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        if (optID == SocketOptions.SO_TIMEOUT) {
            if (closed) {
                throw new SocketException("Socket closed");
            }
            return timeoutMillis;
        }
        StreamSocket s = ensureOpen();
        try {
            if (optID == SocketOptions.SO_BINDADDR) {
                return s.withFd(SocketCalls::localAddress).getAddress();
            }
            TcpOption option = JavaNetOptions.legacy(optID, false);
            return JavaNetOptions.toLegacy(option, s.getOption(option));
        } catch (IOException e) {
            throw JavaNetErrors.asSocketException(e);
        }
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return JavaNetOptions.CLIENT;
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        JavaNetOptions.checkOption(JavaNetOptions.CLIENT, name, value);
        TcpOption option = TcpOption.bySocketOption(name);
        if (option.legacyId() < 0) {
            StreamSocket s = ensureOpen();
            int v = JavaNetOptions.fromTyped(option, value);
            try {
                s.setOption(option, v);
            } catch (IOException e) {
                throw JavaNetErrors.asSocketException(e);
            }
        } else if (option == TcpOption.SO_LINGER) {
            int seconds = (Integer) value;
            setOption(SocketOptions.SO_LINGER, seconds < 0 ? Boolean.FALSE : (Object) Math.min(seconds, 65535));
        } else {
            setOption(option.legacyId(), value);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        JavaNetOptions.checkOption(JavaNetOptions.CLIENT, name);
        TcpOption option = TcpOption.bySocketOption(name);
        if (option.legacyId() < 0) {
            StreamSocket s = ensureOpen();
            try {
                return (T) JavaNetOptions.toTyped(option, s.getOption(option));
            } catch (IOException e) {
                throw JavaNetErrors.asSocketException(e);
            }
        }
        if (option == TcpOption.SO_LINGER) {
            Object v = getOption(SocketOptions.SO_LINGER);
            return (T) (v instanceof Integer i ? i : Integer.valueOf(-1));
        }
        return (T) getOption(option.legacyId());
    }

    @Override
    public String toString() {
        return "LoomringSocketImpl[" + socket + "]";
    }

    /**
     * The streams' side of this impl: the check of every read and write ({@code Socket closed}),
     * the JDK's exceptions, {@code available()} and close of the impl.
     */
    private final class JavaNetStreamContract implements StreamContract {
        @Override
        public void checkOpen() throws IOException {
            ensureOpen();
        }

        @Override
        public IOException translate(IOException e) {
            return JavaNetErrors.translate(e);
        }

        @Override
        public RuntimeException notConnected(NotYetConnectedException e) throws SocketException {
            throw new SocketException("Not connected");
        }

        @Override
        public int available() throws IOException {
            return LoomringSocketImpl.this.available();
        }

        @Override
        public void close() throws IOException {
            LoomringSocketImpl.this.close();
        }

        @Override
        public String toString() {
            return LoomringSocketImpl.this.toString();
        }
    }
}
