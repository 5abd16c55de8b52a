package io.loomring.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * The baseline: the JDK's {@link Pipe} channels in blocking mode. On a virtual thread a blocking
 * read that finds no data parks the thread and registers the fd with the JDK's own poller (epoll,
 * oneshot), exactly what a user gets without Loomring. One direct buffer per side, allocated once.
 */
public final class JdkPipePingPong extends PingPong {
    private final Pipe pipe1 = Pipe.open();
    private final Pipe pipe2 = Pipe.open();
    private final ByteBuffer bufA = ByteBuffer.allocateDirect(1);
    private final ByteBuffer bufB = ByteBuffer.allocateDirect(1);

    /** Opens two JDK pipes (blocking channels). */
    public JdkPipePingPong() throws IOException {
        start("jdk-pipe");
    }

    @Override
    protected void ping() throws IOException {
        bufA.clear();
        pipe1.sink().write(bufA);
        bufA.clear();
        if (pipe2.source().read(bufA) != 1) {
            throw new EOFException("pipe 2 closed unexpectedly");
        }
    }

    @Override
    protected void echoUntilEof() throws IOException {
        for (;;) {
            bufB.clear();
            if (pipe1.source().read(bufB) < 0) {
                return;
            }
            bufB.flip();
            pipe2.sink().write(bufB);
        }
    }

    @Override
    protected void closePingSide() throws IOException {
        pipe1.sink().close();
    }

    @Override
    protected void release() throws IOException {
        pipe1.source().close();
        pipe2.sink().close();
        pipe2.source().close();
    }
}
