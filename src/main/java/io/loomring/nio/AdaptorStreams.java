package io.loomring.nio;

import io.loomring.socket.SocketCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectableChannel;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The streams of a {@link SocketAdaptor}: blocking reads (at most the adaptor's SO_TIMEOUT, then
 * {@link java.net.SocketTimeoutException} with the channel still open) and blocking writes,
 * straight into the socket core. As the JDK's, they refuse a channel in non-blocking mode, and
 * closing either stream closes the channel.
 */
final class AdaptorStreams {
    private AdaptorStreams() {}

    /** @throws IllegalBlockingModeException if {@code channel} is in non-blocking mode */
    static void checkBlocking(SelectableChannel channel) {
        if (!channel.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
    }

    /** The adaptor's input stream. */
    static final class Input extends InputStream {
        private final LoomringSocketChannel channel;
        private final LongSupplier timeoutNanos;

        Input(LoomringSocketChannel channel, LongSupplier timeoutNanos) {
            this.channel = channel;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            checkBlocking(channel);
            if (len == 0) {
                return 0;
            }
            try {
                ChannelInterrupts.beforeBlocking(channel);
                return channel.core().reader().read(ByteBuffer.wrap(b, off, len), true, timeoutNanos.getAsLong());
            } catch (IOException e) {
                throw ChannelInterrupts.after(channel, e);
            }
        }

        @Override
        public int available() throws IOException {
            if (!channel.isOpen()) {
                throw new java.net.SocketException("Socket is closed");
            }
            if (channel.core().reader().isShutdown()) {
                return 0;
            }
            return channel.core().withFd(SocketCalls::available);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The adaptor's output stream. */
    static final class Output extends OutputStream {
        private final LoomringSocketChannel channel;

        Output(LoomringSocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            checkBlocking(channel);
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            while (src.hasRemaining()) {
                channel.write(src);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
