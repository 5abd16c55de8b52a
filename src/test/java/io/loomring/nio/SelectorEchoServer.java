package io.loomring.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * An echo server in the classic single-threaded selector style: non-blocking channels, one
 * selector, OP_ACCEPT, OP_READ, and OP_WRITE only while a reply is still pending. It runs on a
 * platform thread of its own until closed.
 */
final class SelectorEchoServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;
    private volatile boolean closing;

    SelectorEchoServer(SelectorProvider provider) throws IOException {
        server = provider.openServerSocketChannel();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.configureBlocking(false);
        selector = provider.openSelector();
        server.register(selector, SelectionKey.OP_ACCEPT);
        loop = Thread.ofPlatform().name("selector-echo").daemon().start(this::run);
    }

    SocketAddress address() throws IOException {
        return server.getLocalAddress();
    }

    private void run() {
        try {
            while (!closing) {
                selector.select(key -> {
                    try {
                        handle(key);
                    } catch (IOException e) {
                        closeQuietly(key);
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                throw new IllegalStateException("selector loop failed", e);
            }
        }
    }

    private void handle(SelectionKey key) throws IOException {
        if (key.isAcceptable()) {
            SocketChannel c;
            while ((c = server.accept()) != null) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(8192));
            }
            return;
        }
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        if (key.isReadable() && buf.position() == 0) {
            if (c.read(buf) < 0) {
                closeQuietly(key);
                return;
            }
        }
        if (buf.position() > 0) {
            buf.flip();
            c.write(buf);
            buf.compact();
        }
        key.interestOps(buf.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private static void closeQuietly(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    @Override
    public void close() throws Exception {
        closing = true;
        selector.wakeup();
        loop.join(10_000);
        for (SelectionKey k : selector.keys()) {
            k.channel().close();
        }
        selector.close();
    }
}
