package io.loomring.examples;

import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.time.Duration;

/**
 * The blocking calls the HTTP and RESP handlers make on a connection. A Loomring {@link TcpSocket}
 * is one ({@link #of}); the benchmarks wrap the JDK's {@code java.net.Socket} in one too, so that
 * the very same handler code is measured on both socket stacks.
 */
public interface BlockingConnection extends ByteChannel {
    /**
     * Reads at least one byte into {@code b[off, off + len)}, blocking until some arrive.
     *
     * @return the bytes read, or -1 at end of stream
     */
    int read(byte[] b, int off, int len) throws IOException;

    /**
     * Writes all of {@code src}, blocking as long as needed.
     *
     * @return the bytes written: all that remained
     */
    @Override
    int write(ByteBuffer src) throws IOException;

    /**
     * Writes all of {@code head}, then all of {@code body}. By default one write after the other;
     * a Loomring socket gathers both into one call ({@link TcpSocket#write(ByteBuffer[])}).
     */
    default void write(ByteBuffer head, ByteBuffer body) throws IOException {
        write(head);
        write(body);
    }

    /** Sends FIN; reads still work. */
    void shutdownOutput() throws IOException;

    /**
     * Makes later reads fail with {@link java.net.SocketTimeoutException} when they wait longer
     * than {@code timeout}; {@link Duration#ZERO} (a new connection's setting) means no limit.
     */
    void setReadTimeout(Duration timeout) throws IOException;

    /** A view of a Loomring socket; closing the view closes the socket. */
    static BlockingConnection of(TcpSocket socket) {
        return new BlockingConnection() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return socket.read(b, off, len);
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return socket.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return socket.write(src);
            }

            @Override
            public void write(ByteBuffer head, ByteBuffer body) throws IOException {
                socket.write(new ByteBuffer[] {head, body});
            }

            @Override
            public void shutdownOutput() throws IOException {
                socket.shutdownOutput();
            }

            @Override
            public void setReadTimeout(Duration timeout) {
                socket.setReadTimeout(timeout);
            }

            @Override
            public boolean isOpen() {
                return socket.isOpen();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }
}
