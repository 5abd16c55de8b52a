package io.loomring.nio;

import io.loomring.ffm.Poll;
import io.loomring.ffm.UnixAddresses;
import io.loomring.socket.ListeningSocket;
import io.loomring.socket.StreamSocket;
import io.loomring.socket.TcpOption;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * A {@link ServerSocketChannel} over the socket core's listening socket ({@link ListeningSocket}):
 * TCP over IPv4 or IPv6, or UNIX-domain. In blocking mode accept parks the calling thread on the
 * scheduler; in non-blocking mode it returns null when no connection is waiting. An accepted
 * channel is a {@link LoomringSocketChannel} in blocking mode on the same scheduler.
 */
final class LoomringServerSocketChannel extends ServerSocketChannel implements SelectableFd {
    /** The backlog of a bind that names none, as the JDK's. */
    private static final int DEFAULT_BACKLOG = 50;

    private final ListeningSocket core;
    private final boolean unix;
    private final ChannelKeys keys = new ChannelKeys();
    private volatile ServerSocketAdaptor adaptor;

    LoomringServerSocketChannel(SelectorProvider provider, ListeningSocket core) throws IOException {
        super(provider);
        this.core = core;
        core.noMultishot(); // a selector reads readiness from the kernel, not from connections already taken
        this.unix = core.family() == UnixAddresses.AF_UNIX;
        if (!unix) {
            core.setOption(TcpOption.SO_REUSEADDR, 1); // as the JDK's, so a restarted server can rebind
        }
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        ensureOpen();
        synchronized (this) {
            if (core.localSocketAddress() != null) {
                throw new AlreadyBoundException();
            }
            core.bindAndListen(NioAddresses.forBind(local, core.family()), backlog < 1 ? DEFAULT_BACKLOG : backlog);
        }
        return this;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return core.localSocketAddress();
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        ChannelOptions.set(this, name, value, core::setOption);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return ChannelOptions.get(this, name, core::getOption);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return unix ? ChannelOptions.UNIX_SERVER : ChannelOptions.TCP_SERVER;
    }

    @Override
    public ServerSocket socket() {
        if (unix) {
            throw new UnsupportedOperationException("Not supported");
        }
        ServerSocketAdaptor a = adaptor;
        if (a == null) {
            synchronized (this) {
                a = adaptor;
                if (a == null) {
                    a = ServerSocketAdaptor.create(this);
                    adaptor = a;
                }
            }
        }
        return a;
    }

    @Override
    public SocketChannel accept() throws IOException {
        return accept(0);
    }

    /** Accepts a connection; in blocking mode parks at most {@code timeoutNanos} (0: no limit). */
    SocketChannel accept(long timeoutNanos) throws IOException {
        ensureOpen();
        if (core.localSocketAddress() == null) {
            throw new NotYetBoundException();
        }
        boolean blocking = isBlocking();
        try {
            if (blocking) {
                ChannelInterrupts.beforeBlocking(this);
            }
            StreamSocket s = core.accept(blocking, timeoutNanos);
            return s == null ? null : new LoomringSocketChannel(provider(), s);
        } catch (IOException e) {
            throw ChannelInterrupts.after(this, e);
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // The fd is always O_NONBLOCK; the mode only decides whether accept waits.
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
        return (ops & SelectionKey.OP_ACCEPT) != 0 ? Poll.POLLIN : 0;
    }

    @Override
    public int readyOps(int revents, int interestOps) {
        if ((revents & Poll.POLLNVAL) != 0) {
            return 0;
        }
        if ((revents & (Poll.POLLERR | Poll.POLLHUP)) != 0) {
            return interestOps;
        }
        return (revents & Poll.POLLIN) != 0 ? interestOps & SelectionKey.OP_ACCEPT : 0;
    }

    @Override
    public ChannelKeys keys() {
        return keys;
    }

    @Override
    public String toString() {
        SocketAddress local = core.localSocketAddress();
        return getClass().getSuperclass().getName() + "["
                + (!isOpen() ? "closed" : local == null ? "unbound" : local.toString()) + "]";
    }
}
