package io.loomring.net;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** The {@link OutputStream} view of a {@link TcpSocket}: unbuffered, closing closes the socket. */
final class SocketOutputStream extends OutputStream {
    private final TcpSocket socket;

    SocketOutputStream(TcpSocket socket) {
        this.socket = socket;
    }

    @Override
    public void write(int b) throws IOException {
        socket.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        socket.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "SocketOutputStream[" + socket + "]";
    }
}
