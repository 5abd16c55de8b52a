package io.loomring.nio;

import io.loomring.ffm.Poll;
import io.loomring.ffm.UnixAddresses;
import io.loomring.socket.SocketAddresses;
import io.loomring.socket.SocketConnector;
import io.loomring.socket.StreamSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * A {@link SocketChannel} over the socket core ({@link StreamSocket}): TCP over IPv4 or IPv6, or a
 * UNIX-domain stream socket. In blocking mode a read, write or connect parks the calling thread on
 * the scheduler the core waits on (a carried thread in its carrier's ring, with RECV and SEND as
 * ring operations where the route runs them); in non-blocking mode each call makes its syscall
 * once and returns. The fd itself is always {@code O_NONBLOCK}.
 *
 * <p>The exceptions are the JDK's: the core already throws the channel-style ones, and
 * {@link ChannelInterrupts} closes the channel on an interrupt.
 */
final class LoomringSocketChannel extends SocketChannel implements SelectableFd {
    /** The address of an unnamed UNIX-domain socket. */
    private static final UnixDomainSocketAddress UNNAMED = UnixDomainSocketAddress.of("");

    private final StreamSocket core;
    private final boolean unix;
    private final ChannelKeys keys = new ChannelKeys();
    /** The local address once bound (explicitly, or by a connect); null before. */
    private volatile SocketAddress local;
    private volatile boolean bound;
    private volatile SocketAdaptor adaptor;

    LoomringSocketChannel(SelectorProvider provider, StreamSocket core) {
        super(provider);
        this.core = core;
        core.reader().noMultishot(); // a selector reads readiness from the kernel, not from the ring's buffers
        this.unix = core.family() == UnixAddresses.AF_UNIX;
        this.bound = core.connector().isConnected(); // an accepted channel
    }

    StreamSocket core() {
        return core;
    }

    boolean isUnix() {
        return unix;
    }

    // ---------------------------------------------------------------- NetworkChannel

    @Override
    public SocketChannel bind(SocketAddress address) throws IOException {
        ensureOpen();
        SocketConnector c = core.connector();
        if (c.isConnectionPending()) {
            throw new ConnectionPendingException();
        }
        synchronized (this) {
            if (bound || c.isConnected()) {
                throw new AlreadyBoundException();
            }
            if (unix && (address == null || address.equals(UNNAMED))) {
                // As the JDK's: a UNIX client bound to null stays unnamed (only a server gets a path).
                local = UNNAMED;
                bound = true;
                return this;
            }
            SocketAddress target = NioAddresses.forBind(address, core.family());
            core.withFd(fd -> {
                SocketAddresses.bind(fd, core.family(), target);
                return null;
            });
            bound = true;
        }
        return this;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        SocketAddress a = local;
        if (a == null && (bound || core.connector().isConnected() || core.connector().isConnectionPending())) {
            a = core.withFd(fd -> SocketAddresses.local(fd, core.family()));
            local = a;
        }
        return a;
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        if (unix && name == ExtendedSocketOptions.SO_PEERCRED) {
            ensureOpen();
            throw new SocketException("SO_PEERCRED cannot be set");
        }
        ChannelOptions.set(this, name, value, core::setOption);
        return this;
    }

    @Override
    @SuppressWarnings("unchecked") // SO_PEERCRED's type is UnixDomainPrincipal
    public <T> T getOption(SocketOption<T> name) throws IOException {
        if (unix && name == ExtendedSocketOptions.SO_PEERCRED) {
            ensureOpen();
            return (T) core.withFd(PeerCredentials::of);
        }
        return ChannelOptions.get(this, name, core::getOption);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return unix ? ChannelOptions.UNIX : ChannelOptions.TCP;
    }

    // ---------------------------------------------------------------- connection

    @Override
    public boolean isConnected() {
        return isOpen() && core.connector().isConnected();
    }

    @Override
    public boolean isConnectionPending() {
        return isOpen() && core.connector().isConnectionPending();
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        return connect(remote, 0);
    }

    /** {@link #connect(SocketAddress)}; in blocking mode parks at most {@code timeoutNanos} (0: no limit). */
    boolean connect(SocketAddress remote, long timeoutNanos) throws IOException {
        SocketAddress target = NioAddresses.forConnect(remote, core.family());
        ensureOpen();
        boolean blocking = isBlocking();
        try {
            if (blocking) {
                ChannelInterrupts.beforeBlocking(this);
                core.connect(target, timeoutNanos); // a failure closes the core's fd
                return true;
            }
            return core.connector().connectNow(target);
        } catch (IOException e) {
            closeAfterFailedConnect();
            throw ChannelInterrupts.after(this, e);
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        ensureOpen();
        boolean blocking = isBlocking();
        try {
            if (blocking && !isConnected()) {
                ChannelInterrupts.beforeBlocking(this);
            }
            return core.connector().finishConnect(blocking);
        } catch (IOException e) {
            closeAfterFailedConnect();
            throw ChannelInterrupts.after(this, e);
        }
    }

    /** As the JDK's: a connect that failed leaves the socket in an unknown state, so the channel closes. */
    private void closeAfterFailedConnect() {
        try {
            close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return isConnected() ? core.remoteSocketAddress() : null;
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        ensureOpen();
        checkConnected();
        core.reader().shutdown();
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        ensureOpen();
        checkConnected();
        if (!core.writer().isShutdown()) {
            core.writer().shutdown();
        }
        return this;
    }

    @Override
    public Socket socket() {
        if (unix) {
            throw new UnsupportedOperationException("Not supported");
        }
        SocketAdaptor a = adaptor;
        if (a == null) {
            synchronized (this) {
                a = adaptor;
                if (a == null) {
                    a = SocketAdaptor.create(this);
                    adaptor = a;
                }
            }
        }
        return a;
    }

    // ---------------------------------------------------------------- reading and writing

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        boolean blocking = isBlocking();
        try {
            if (blocking) {
                ChannelInterrupts.beforeBlocking(this);
            }
            return core.reader().read(dst, blocking, 0);
        } catch (IOException e) {
            throw ChannelInterrupts.after(this, e);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        boolean blocking = isBlocking();
        try {
            if (blocking) {
                ChannelInterrupts.beforeBlocking(this);
            }
            return core.reader().read(dsts, offset, length, blocking);
        } catch (IOException e) {
            throw ChannelInterrupts.after(this, e);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        boolean blocking = isBlocking();
        try {
            checkOutput();
            if (blocking) {
                ChannelInterrupts.beforeBlocking(this);
            }
            return core.writer().write(src, blocking);
        } catch (IOException e) {
            throw ChannelInterrupts.after(this, e);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        boolean blocking = isBlocking();
        try {
            checkOutput();
            if (blocking) {
                ChannelInterrupts.beforeBlocking(this);
            }
            return core.writer().write(srcs, offset, length, blocking);
        } catch (IOException e) {
            throw ChannelInterrupts.after(this, e);
        }
    }

    /** As the JDK's: a write after shutdownOutput is a closed channel's. */
    private void checkOutput() throws IOException {
        ensureOpen();
        checkConnected();
        if (core.writer().isShutdown()) {
            throw new ClosedChannelException();
        }
    }

    private void checkConnected() {
        if (!isConnected()) {
            throw new NotYetConnectedException();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    // ---------------------------------------------------------------- selectable

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        if (!block && isConnected()) {
            core.writer().flush(); // a write still in the ring must not outlive blocking mode
        }
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        keys.dropAll();
        core.close();
    }

    @Override
    public int fdValue() {
        return core.socketFd().fd();
    }

    @Override
    public int pollEvents(int ops) {
        int events = 0;
        if ((ops & SelectionKey.OP_READ) != 0) {
            events |= Poll.POLLIN;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            events |= Poll.POLLOUT;
        }
        return events;
    }

    @Override
    public int readyOps(int revents, int interestOps) {
        if ((revents & Poll.POLLNVAL) != 0) {
            return 0;
        }
        if ((revents & (Poll.POLLERR | Poll.POLLHUP)) != 0) {
            return interestOps;
        }
        boolean connected = isConnected();
        int ready = 0;
        if ((revents & Poll.POLLIN) != 0 && (interestOps & SelectionKey.OP_READ) != 0 && connected) {
            ready |= SelectionKey.OP_READ;
        }
        if ((revents & Poll.POLLOUT) != 0) {
            if ((interestOps & SelectionKey.OP_CONNECT) != 0 && isConnectionPending()) {
                ready |= SelectionKey.OP_CONNECT;
            }
            if ((interestOps & SelectionKey.OP_WRITE) != 0 && connected) {
                ready |= SelectionKey.OP_WRITE;
            }
        }
        return ready;
    }

    @Override
    public ChannelKeys keys() {
        return keys;
    }

    @Override
    public String toString() {
        SocketAddress remote = isConnected() ? core.remoteSocketAddress() : null;
        StringBuilder sb = new StringBuilder(getClass().getSuperclass().getName()).append('[');
        if (!isOpen()) {
            sb.append("closed");
        } else if (remote != null) {
            sb.append("connected local=").append(local).append(" remote=").append(remote);
        } else {
            sb.append(isConnectionPending() ? "connection-pending" : "unconnected");
            if (local != null) {
                sb.append(" local=").append(local);
            }
        }
        return sb.append(']').toString();
    }

    /** The remote address as an {@link InetSocketAddress}, or null (for the adaptor). */
    InetSocketAddress remoteInet() {
        return isConnected() && !unix ? core.remoteAddress() : null;
    }
}
