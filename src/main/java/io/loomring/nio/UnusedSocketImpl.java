package io.loomring.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;

/**
 * The {@link SocketImpl} the adaptors hand to their {@code java.net} superclass, which requires
 * one: the adaptors override every public method, so none of these is reached; each fails loudly
 * should a later JDK add a method that calls it.
 */
final class UnusedSocketImpl extends SocketImpl {
    static SocketImpl create() {
        return new UnusedSocketImpl();
    }

    private static SocketException unused() {
        return new SocketException("Loomring's channel adaptor does not implement this call");
    }

    @Override
    protected void create(boolean stream) throws IOException {
        throw unused();
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        throw unused();
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        throw unused();
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        throw unused();
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        throw unused();
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw unused();
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw unused();
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        throw unused();
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        throw unused();
    }

    @Override
    protected int available() throws IOException {
        throw unused();
    }

    @Override
    protected void close() throws IOException {
        // nothing to close: the channel owns the fd
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw unused();
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        throw unused();
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        throw unused();
    }
}
