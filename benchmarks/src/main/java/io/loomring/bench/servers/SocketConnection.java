package io.loomring.bench.servers;

import io.loomring.examples.BlockingConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The JDK's own {@link Socket} as a {@link BlockingConnection}, so the example handlers run
 * unchanged on it. On a virtual thread the JDK's socket parks the thread and its read sub-pollers
 * wait for readiness: the stack every loom user already has.
 */
public final class SocketConnection implements BlockingConnection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] scratch = new byte[0]; // for direct buffers, which the handlers do not use

    /**
     * Wraps a connected socket; closing this closes it.
     *
     * @throws IOException if its streams cannot be had (the socket is closed)
     */
    public SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        int len = dst.remaining();
        int n = in.read(scratch(len), 0, len);
        if (n > 0) {
            dst.put(scratch, 0, n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
        } else {
            byte[] tmp = scratch(n);
            src.get(tmp, 0, n);
            out.write(tmp, 0, n);
        }
        return n;
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    }

    @Override
    public boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private byte[] scratch(int size) {
        if (scratch.length < size) {
            scratch = new byte[size];
        }
        return scratch; // at least size bytes
    }
}
