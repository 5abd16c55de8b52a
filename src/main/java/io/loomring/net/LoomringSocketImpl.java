package io.loomring.net;

import io.loomring.IoScheduler;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The client side of Loomring's {@code java.net} adapter: a {@link SocketImpl} over a
 * {@link TcpSocket}, so a plain {@link java.net.Socket} (from {@link LoomringSocketFactory}) parks
 * its virtual thread on an {@link IoScheduler} instead of the JDK's poller.
 *
 * <p>The socket is opened by {@link #create} as a dual-stack IPv6 socket (IPv4 peers reached
 * through mapped addresses) where the machine has IPv6, else as IPv4, as the JDK's own sockets do;
 * accepted sockets come from {@link LoomringServerSocketImpl#accept}. Exceptions are the JDK's:
 * a closed socket is {@code SocketException: Socket closed}, including for threads blocked in it
 * when another thread closes it; timeouts are {@link java.net.SocketTimeoutException} and leave
 * the socket usable.
 *
 * <p>Not supported, each with an exception naming it: urgent data ({@code sendUrgentData}), SOCKS
 * and HTTP proxies (a connect that the default {@link ProxySelector} would send through one),
 * datagram sockets, the JDK's extended options ({@code jdk.net.ExtendedSocketOptions}) other than
 * the TCP keep-alive tuning and TCP_QUICKACK of {@link TcpOption}.
 */
final class LoomringSocketImpl extends SocketImpl {
    private static final Set<SocketOption<?>> OPTIONS = allOptions();

    /** The standard options (as the JDK's client sockets) plus the TCP ones of {@link TcpOption}. */
    private static Set<SocketOption<?>> allOptions() {
        Set<SocketOption<?>> all = new java.util.HashSet<>(Set.of(StandardSocketOptions.TCP_NODELAY,
                StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF,
                StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT,
                StandardSocketOptions.IP_TOS));
        all.addAll(TcpOption.OPTIONS.keySet());
        return Set.copyOf(all);
    }

    private final IoScheduler scheduler;
    private final Object stateLock = new Object();
    private volatile TcpSocket socket;
    private volatile int family;
    private volatile boolean closed;
    private volatile boolean inputShutdown;
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
            TcpSocket s = TcpSocket.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET, scheduler);
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
            family = v6 ? Sockets.AF_INET6 : Sockets.AF_INET;
            socket = s;
        }
    }

    /** Takes over a socket accepted by {@link LoomringServerSocketImpl}; this impl must be new. */
    void attachAccepted(TcpSocket accepted, int acceptedFamily) throws IOException {
        synchronized (stateLock) {
            if (closed || socket != null) {
                accepted.close();
                throw new SocketException(closed ? "Socket closed" : "Not a newly created SocketImpl");
            }
            family = acceptedFamily;
            socket = accepted;
        }
        if (timeoutMillis > 0) {
            accepted.setReadTimeout(Duration.ofMillis(timeoutMillis));
        }
        InetSocketAddress remote = accepted.remoteAddress();
        InetSocketAddress local = accepted.localAddress();
        address = remote.getAddress();
        port = remote.getPort();
        localport = local != null ? local.getPort() : 0;
    }

    @Override
    protected void close() throws IOException {
        TcpSocket s;
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

    private TcpSocket ensureOpen() throws SocketException {
        TcpSocket s = socket;
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
        TcpSocket s = ensureOpen();
        refuseProxy(target);
        InetAddress ip = target.getAddress();
        if (ip.isAnyLocalAddress()) {
            ip = InetAddress.getLocalHost(); // as the JDK: connecting to the wildcard means this host
        }
        if (family == Sockets.AF_INET && ip instanceof Inet6Address) {
            throw new SocketException("Protocol family unavailable");
        }
        try {
            s.connectTo(new InetSocketAddress(ip, target.getPort()), Duration.ofMillis(timeout));
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

    /**
     * The JDK's default socket sends a connect through the SOCKS proxy its {@link ProxySelector}
     * picks ({@code socksProxyHost}, or an application's selector); Loomring's cannot, so it fails
     * instead of silently going direct.
     */
    private static void refuseProxy(InetSocketAddress target) throws SocketException {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return;
        }
        List<Proxy> proxies;
        try {
            proxies = selector.select(new URI("socket", null, target.getHostString(), target.getPort(),
                    null, null, null));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return;
        }
        if (proxies != null && !proxies.isEmpty() && proxies.getFirst().type() != Proxy.Type.DIRECT) {
            throw new SocketException("Loomring sockets do not support SOCKS or HTTP proxies, but the default"
                    + " ProxySelector chose " + proxies.getFirst() + " for " + target
                    + " (socksProxyHost?); use the JDK's sockets for proxied connections");
        }
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        TcpSocket s = ensureOpen();
        InetAddress ip = host != null ? host : InetAddress.getByName("0.0.0.0");
        if (family == Sockets.AF_INET && ip instanceof Inet6Address) {
            throw new SocketException("Protocol family unavailable");
        }
        if (ip.isAnyLocalAddress() && family == Sockets.AF_INET6) {
            ip = InetAddress.getByName("::"); // the dual-stack wildcard, not IPv4-mapped 0.0.0.0
        }
        InetSocketAddress requested = new InetSocketAddress(ip, port);
        int af = family;
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
        InputStream s = in;
        if (s == null) {
            synchronized (stateLock) {
                if (in == null) {
                    in = new LoomringSocketStreams.Input(this);
                }
                s = in;
            }
        }
        return s;
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        ensureOpen();
        OutputStream s = out;
        if (s == null) {
            synchronized (stateLock) {
                if (out == null) {
                    out = new LoomringSocketStreams.Output(this);
                }
                s = out;
            }
        }
        return s;
    }

    int read(byte[] b, int off, int len) throws IOException {
        TcpSocket s = ensureOpen();
        try {
            return s.read(b, off, len);
        } catch (IOException e) {
            throw JavaNetErrors.translate(e);
        } catch (NotYetConnectedException e) {
            throw new SocketException("Not connected");
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        TcpSocket s = ensureOpen();
        try {
            s.write(b, off, len);
        } catch (IOException e) {
            throw JavaNetErrors.translate(e);
        } catch (NotYetConnectedException e) {
            throw new SocketException("Not connected");
        }
    }

    @Override
    protected int available() throws IOException {
        TcpSocket s = ensureOpen();
        if (inputShutdown) {
            return 0;
        }
        try {
            return s.withFd(JavaNetCalls::available);
        } catch (IOException e) {
            throw JavaNetErrors.translateConnect(e);
        }
    }

    @Override
    protected void shutdownInput() throws IOException {
        TcpSocket s = ensureOpen();
        try {
            s.shutdownInput();
            inputShutdown = true;
        } catch (IOException e) {
            throw JavaNetErrors.translateConnect(e);
        } catch (NotYetConnectedException e) {
            throw new SocketException("Not connected");
        }
    }

    @Override
    protected void shutdownOutput() throws IOException {
        TcpSocket s = ensureOpen();
        try {
            s.shutdownOutput();
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
            int ms = intValue(value, "SO_TIMEOUT");
            if (ms < 0) {
                throw new IllegalArgumentException("timeout < 0");
            }
            timeoutMillis = ms;
            TcpSocket s = socket;
            if (s != null) {
                s.setReadTimeout(Duration.ofMillis(ms));
            }
            return;
        }
        TcpSocket s = ensureOpen();
        try {
            switch (optID) {
                case SocketOptions.TCP_NODELAY -> s.setTcpNoDelay(booleanValue(value, "TCP_NODELAY"));
                case SocketOptions.SO_KEEPALIVE -> s.setKeepAlive(booleanValue(value, "SO_KEEPALIVE"));
                case SocketOptions.SO_RCVBUF -> {
                    int n = intValue(value, "SO_RCVBUF");
                    if (n <= 0) {
                        throw new SocketException("SO_RCVBUF <= 0");
                    }
                    s.setReceiveBufferSize(n);
                }
                case SocketOptions.SO_SNDBUF -> {
                    int n = intValue(value, "SO_SNDBUF");
                    if (n <= 0) {
                        throw new SocketException("SO_SNDBUF <= 0");
                    }
                    s.setSendBufferSize(n);
                }
                case SocketOptions.SO_LINGER -> {
                    // false turns it off, an Integer is the interval (java.net.Socket#setSoLinger)
                    int seconds = value instanceof Boolean b && !b ? -1 : intValue(value, "SO_LINGER");
                    s.withFd(fd -> {
                        JavaNetCalls.setLinger(fd, seconds);
                        return null;
                    });
                }
                case SocketOptions.SO_REUSEADDR -> setFlag(s, Sockets.SO_REUSEADDR, booleanValue(value, "SO_REUSEADDR"),
                        "SO_REUSEADDR");
                case SocketOptions.SO_REUSEPORT -> setFlag(s, Sockets.SO_REUSEPORT, booleanValue(value, "SO_REUSEPORT"),
                        "SO_REUSEPORT");
                case SocketOptions.SO_OOBINLINE -> setFlag(s, JavaNetCalls.SO_OOBINLINE,
                        booleanValue(value, "SO_OOBINLINE"), "SO_OOBINLINE");
                case SocketOptions.IP_TOS -> {
                    int tc = intValue(value, "IP_TOS");
                    int af = family;
                    s.withFd(fd -> {
                        JavaNetCalls.setTrafficClass(fd, af, tc);
                        return null;
                    });
                }
                default -> throw new SocketException("Unknown option " + optID);
            }
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
        TcpSocket s = ensureOpen();
        try {
            return switch (optID) {
                case SocketOptions.TCP_NODELAY -> s.tcpNoDelay();
                case SocketOptions.SO_KEEPALIVE -> s.keepAlive();
                case SocketOptions.SO_RCVBUF -> s.receiveBufferSize();
                case SocketOptions.SO_SNDBUF -> s.sendBufferSize();
                case SocketOptions.SO_LINGER -> {
                    int seconds = s.withFd(JavaNetCalls::linger);
                    yield seconds < 0 ? Boolean.FALSE : (Object) seconds;
                }
                case SocketOptions.SO_REUSEADDR -> flag(s, Sockets.SO_REUSEADDR, "SO_REUSEADDR");
                case SocketOptions.SO_REUSEPORT -> flag(s, Sockets.SO_REUSEPORT, "SO_REUSEPORT");
                case SocketOptions.SO_OOBINLINE -> flag(s, JavaNetCalls.SO_OOBINLINE, "SO_OOBINLINE");
                case SocketOptions.IP_TOS -> {
                    int af = family;
                    yield s.withFd(fd -> JavaNetCalls.trafficClass(fd, af));
                }
                case SocketOptions.SO_BINDADDR -> s.withFd(SocketCalls::localAddress).getAddress();
                default -> throw new SocketException("Unknown option " + optID);
            };
        } catch (IOException e) {
            throw JavaNetErrors.asSocketException(e);
        }
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        checkOption(OPTIONS, name, value);
        TcpOption tcp = TcpOption.OPTIONS.get(name);
        if (tcp != null) {
            tcp.set(ensureOpen(), value);
        } else if (name == StandardSocketOptions.SO_LINGER) {
            int seconds = (Integer) value;
            setOption(SocketOptions.SO_LINGER, seconds < 0 ? Boolean.FALSE : (Object) Math.min(seconds, 65535));
        } else {
            setOption(legacyId(name), value);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        checkOption(OPTIONS, name);
        TcpOption tcp = TcpOption.OPTIONS.get(name);
        if (tcp != null) {
            return (T) tcp.get(ensureOpen());
        }
        if (name == StandardSocketOptions.SO_LINGER) {
            Object v = getOption(SocketOptions.SO_LINGER);
            return (T) (v instanceof Integer i ? i : Integer.valueOf(-1));
        }
        return (T) getOption(legacyId(name));
    }

    /** The {@code SocketImpl} contract for an option name: known to this impl, else unsupported. */
    static void checkOption(Set<SocketOption<?>> supported, SocketOption<?> name) {
        Objects.requireNonNull(name);
        if (!supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    /** As {@link #checkOption(Set, SocketOption)}, and the value must be of the option's type. */
    static <T> void checkOption(Set<SocketOption<?>> supported, SocketOption<T> name, T value) {
        checkOption(supported, name);
        if (!name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
    }

    static int legacyId(SocketOption<?> name) {
        if (name == StandardSocketOptions.TCP_NODELAY) {
            return SocketOptions.TCP_NODELAY;
        } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
            return SocketOptions.SO_KEEPALIVE;
        } else if (name == StandardSocketOptions.SO_RCVBUF) {
            return SocketOptions.SO_RCVBUF;
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            return SocketOptions.SO_SNDBUF;
        } else if (name == StandardSocketOptions.SO_REUSEADDR) {
            return SocketOptions.SO_REUSEADDR;
        } else if (name == StandardSocketOptions.SO_REUSEPORT) {
            return SocketOptions.SO_REUSEPORT;
        } else if (name == StandardSocketOptions.IP_TOS) {
            return SocketOptions.IP_TOS;
        } else if (name == StandardSocketOptions.SO_LINGER) {
            return SocketOptions.SO_LINGER;
        }
        throw new UnsupportedOperationException("'" + name + "' not supported");
    }

    private static void setFlag(TcpSocket s, int name, boolean on, String what) throws IOException {
        s.withFd(fd -> {
            SocketCalls.setInt(fd, Sockets.SOL_SOCKET, name, on ? 1 : 0, what);
            return null;
        });
    }

    private static boolean flag(TcpSocket s, int name, String what) throws IOException {
        return s.withFd(fd -> SocketCalls.getInt(fd, Sockets.SOL_SOCKET, name, what) != 0);
    }

    static boolean booleanValue(Object value, String what) throws SocketException {
        if (!(value instanceof Boolean b)) {
            throw new SocketException("Bad value for " + what);
        }
        return b;
    }

    static int intValue(Object value, String what) throws SocketException {
        if (!(value instanceof Integer i)) {
            throw new SocketException("Bad value for " + what);
        }
        return i;
    }

    @Override
    public String toString() {
        return "LoomringSocketImpl[" + socket + "]";
    }
}
