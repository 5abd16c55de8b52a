package io.loomring.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.spi.SelectorProvider;

/** A {@link Pipe} of a provider that closes both ends on {@link #close()}, for try-with-resources. */
record TestPipe(Pipe pipe) implements AutoCloseable {
    /** A pipe of {@code provider} with both ends non-blocking. */
    static TestPipe nonBlocking(SelectorProvider provider) throws IOException {
        TestPipe p = new TestPipe(provider.openPipe());
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    /** A pipe of {@code provider} in blocking mode (the default). */
    static TestPipe blocking(SelectorProvider provider) throws IOException {
        return new TestPipe(provider.openPipe());
    }

    Pipe.SourceChannel source() {
        return pipe.source();
    }

    Pipe.SinkChannel sink() {
        return pipe.sink();
    }

    /** Writes {@code n} bytes that the pipe takes at once. */
    void write(int n) throws IOException {
        if (sink().write(ByteBuffer.allocate(n)) != n) {
            throw new AssertionError("short write to an empty pipe");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            pipe.sink().close();
        } finally {
            pipe.source().close();
        }
    }
}
