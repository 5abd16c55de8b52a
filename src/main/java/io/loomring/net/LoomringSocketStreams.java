package io.loomring.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The streams a {@link LoomringSocketImpl} hands to {@link java.net.Socket}, which wraps them (its
 * wrappers close the socket when closed). Unbuffered, like the JDK's.
 */
final class LoomringSocketStreams {
    private LoomringSocketStreams() {}

    /** Reads park until data, end of stream, the SO_TIMEOUT or a close. */
    static final class Input extends InputStream {
        private final LoomringSocketImpl impl;

        Input(LoomringSocketImpl impl) {
            this.impl = impl;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n > 0 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            return impl.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return impl.available();
        }

        @Override
        public void close() throws IOException {
            impl.close();
        }
    }

    /** Writes park while the socket buffer is full. */
    static final class Output extends OutputStream {
        private final LoomringSocketImpl impl;

        Output(LoomringSocketImpl impl) {
            this.impl = impl;
        }

        @Override
        public void write(int b) throws IOException {
            impl.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            impl.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            impl.close();
        }
    }
}
