package io.loomring.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * An echo server in the thread-per-connection style of blocking channels: one thread accepts, a
 * thread per accepted channel echoes until its peer closes. Threads come from the factory given
 * (carried threads, or ordinary virtual threads).
 */
final class ThreadPerConnectionEchoServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final ExecutorService threads;

    ThreadPerConnectionEchoServer(SelectorProvider provider, ThreadFactory factory) throws IOException {
        server = provider.openServerSocketChannel();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        threads = Executors.newThreadPerTaskExecutor(factory);
        threads.submit(this::acceptLoop);
    }

    SocketAddress address() throws IOException {
        return server.getLocalAddress();
    }

    private Void acceptLoop() throws IOException {
        while (server.isOpen()) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return null;
                }
                throw e;
            }
            threads.submit(() -> echo(c));
        }
        return null;
    }

    private static Void echo(SocketChannel c) {
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (c.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                buf.clear();
            }
        } catch (IOException e) {
            // the peer went away mid-echo
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
