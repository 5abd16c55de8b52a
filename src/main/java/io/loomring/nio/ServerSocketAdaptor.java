package io.loomring.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ServerSocket} a {@link LoomringServerSocketChannel} returns from {@code socket()}:
 * every method goes to the channel, with {@code java.net}'s exceptions ({@link AdaptorErrors}).
 * {@link #accept()} works in blocking mode only and waits at most {@link #setSoTimeout}; it
 * returns the accepted channel's adaptor.
 */
final class ServerSocketAdaptor extends ServerSocket {
    private final LoomringServerSocketChannel channel;
    private volatile int timeoutMillis;

    private ServerSocketAdaptor(LoomringServerSocketChannel channel) throws IOException {
        super(UnusedSocketImpl.create());
        this.channel = channel;
    }

    static ServerSocketAdaptor create(LoomringServerSocketChannel channel) {
        try {
            return new ServerSocketAdaptor(channel);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the server socket adaptor", e); // only checks its argument
        }
    }

    @Override
    public ServerSocketChannel getChannel() {
        return channel;
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        bind(local, 50);
    }

    @Override
    public void bind(SocketAddress local, int backlog) throws IOException {
        try {
            channel.bind(local, backlog);
        } catch (Exception e) {
            throw AdaptorErrors.translate(e);
        }
    }

    @Override
    public Socket accept() throws IOException {
        AdaptorStreams.checkBlocking(channel);
        try {
            SocketChannel s = channel.accept(TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            return s.socket();
        } catch (Exception e) {
            throw AdaptorErrors.translate(e);
        }
    }

    private InetSocketAddress localInet() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress local = localInet();
        return local == null ? null : local.getAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress local = localInet();
        return local == null ? -1 : local.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return localInet();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        checkOpen();
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws IOException {
        checkOpen();
        return timeoutMillis;
    }

    private void checkOpen() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
    }

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        AdaptorErrors.setOption(channel, name, value);
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        return AdaptorErrors.getOption(channel, name);
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("negative receive size");
        }
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        set(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return get(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return channel.supportedOptions();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // as the JDK's sockets: no effect
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public boolean isBound() {
        return localInet() != null;
    }

    @Override
    public boolean isClosed() {
        return !channel.isOpen();
    }

    @Override
    public String toString() {
        InetSocketAddress local = localInet();
        return local == null ? "ServerSocket[unbound]"
                : "ServerSocket[addr=" + local.getAddress() + ",localport=" + local.getPort() + "]";
    }
}
