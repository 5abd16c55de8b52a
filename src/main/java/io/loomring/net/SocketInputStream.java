package io.loomring.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** The {@link InputStream} view of a {@link TcpSocket}: reads park, closing closes the socket. */
final class SocketInputStream extends InputStream {
    private final TcpSocket socket;

    SocketInputStream(TcpSocket socket) {
        this.socket = socket;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = socket.read(one, 0, 1);
        return n > 0 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return socket.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "SocketInputStream[" + socket + "]";
    }
}
