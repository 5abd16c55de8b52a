package io.loomring.nio;

import io.loomring.socket.TcpOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Socket} a {@link LoomringSocketChannel} returns from {@code socket()}: every method
 * goes to the channel, with {@code java.net}'s exceptions ({@link AdaptorErrors}). Its streams
 * work in blocking mode only ({@link java.nio.channels.IllegalBlockingModeException} otherwise),
 * and a read waits at most {@link #setSoTimeout} before {@link java.net.SocketTimeoutException},
 * leaving the channel open, as the JDK's adaptor does.
 */
final class SocketAdaptor extends Socket {
    private final LoomringSocketChannel channel;
    private volatile int timeoutMillis;

    private SocketAdaptor(LoomringSocketChannel channel) throws SocketException {
        super(UnusedSocketImpl.create());
        this.channel = channel;
    }

    static SocketAdaptor create(LoomringSocketChannel channel) {
        try {
            return new SocketAdaptor(channel);
        } catch (SocketException e) {
            throw new IllegalStateException("cannot make the socket adaptor", e); // Socket(SocketImpl) only checks its argument
        }
    }

    @Override
    public SocketChannel getChannel() {
        return channel;
    }

    @Override
    public void connect(SocketAddress remote) throws IOException {
        connect(remote, 0);
    }

    @Override
    public void connect(SocketAddress remote, int timeout) throws IOException {
        if (remote == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        AdaptorStreams.checkBlocking(channel);
        try {
            channel.connect(remote, TimeUnit.MILLISECONDS.toNanos(timeout));
        } catch (Exception e) {
            throw AdaptorErrors.translate(e);
        }
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        try {
            channel.bind(local);
        } catch (Exception e) {
            throw AdaptorErrors.translate(e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress remote = channel.remoteInet();
        return remote == null ? null : remote.getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress remote = channel.remoteInet();
        return remote == null ? 0 : remote.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        InetSocketAddress local = localInet();
        return local != null ? local.getAddress() : new InetSocketAddress(0).getAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress local = localInet();
        return local == null ? -1 : local.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return channel.remoteInet();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return localInet();
    }

    private InetSocketAddress localInet() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        checkStreamable();
        if (isInputShutdown()) {
            throw new SocketException("Socket input is shutdown");
        }
        return new AdaptorStreams.Input(channel, this::timeoutNanos);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        checkStreamable();
        if (isOutputShutdown()) {
            throw new SocketException("Socket output is shutdown");
        }
        return new AdaptorStreams.Output(channel);
    }

    private void checkStreamable() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (!isConnected()) {
            throw new SocketException("Socket is not connected");
        }
    }

    private long timeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        checkOpen();
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout can't be negative");
        }
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        checkOpen();
        return timeoutMillis;
    }

    private void checkOpen() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
    }

    // ---------------------------------------------------------------- options, through the channel

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        AdaptorErrors.setOption(channel, name, value);
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        return AdaptorErrors.getOption(channel, name);
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        set(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return get(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        set(StandardSocketOptions.SO_LINGER, on ? Math.max(linger, 0) : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return get(StandardSocketOptions.SO_LINGER);
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data not supported");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        try {
            channel.core().setOption(TcpOption.SO_OOBINLINE, on ? 1 : 0);
        } catch (IOException e) {
            throw AdaptorErrors.asSocketException(e);
        }
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        try {
            return channel.core().getOption(TcpOption.SO_OOBINLINE) != 0;
        } catch (IOException e) {
            throw AdaptorErrors.asSocketException(e);
        }
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid send size");
        }
        set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid receive size");
        }
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return get(StandardSocketOptions.SO_KEEPALIVE);
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) {
            throw new IllegalArgumentException("tc is not in range 0 -- 255");
        }
        set(StandardSocketOptions.IP_TOS, tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return get(StandardSocketOptions.IP_TOS);
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
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
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

    // ---------------------------------------------------------------- state and close

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        try {
            channel.shutdownInput();
        } catch (Exception e) {
            throw AdaptorErrors.translate(e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        try {
            channel.shutdownOutput();
        } catch (Exception e) {
            throw AdaptorErrors.translate(e);
        }
    }

    @Override
    public boolean isConnected() {
        return channel.isConnected();
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
    public boolean isInputShutdown() {
        return channel.core().reader().isShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return channel.core().writer().isShutdown();
    }

    @Override
    public String toString() {
        InetSocketAddress remote = channel.remoteInet();
        if (remote == null) {
            return "Socket[unconnected]";
        }
        return "Socket[addr=" + remote.getAddress() + ",port=" + remote.getPort() + ",localport="
                + getLocalPort() + "]";
    }
}
