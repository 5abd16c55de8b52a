package io.loomring.nio;

import static java.nio.channels.SelectionKey.*;

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
import java.util.Iterator;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The classic NIO echo server, one thread and one selector of {@code provider} for every
 * connection: accept, read what is there, write it back (keeping what did not fit, with OP_WRITE
 * until it is out), close after the client's end of stream. Closing the server ends its loop and
 * rethrows what failed in it.
 */
final class SelectorEchoServer implements AutoCloseable {
    private final Selector selector;
    private final ServerSocketChannel server;
    private final AtomicInteger closed = new AtomicInteger();
    private final Future<Void> loop;
    private volatile boolean stopping;

    SelectorEchoServer(SelectorProvider provider, InetAddress address) throws IOException {
        selector = provider.openSelector();
        server = provider.openServerSocketChannel(ChannelCompatibilityContract.family(address));
        server.bind(new InetSocketAddress(address, 0), 200).configureBlocking(false);
        server.register(selector, OP_ACCEPT);
        FutureTask<Void> task = new FutureTask<>(this::run);
        Thread.ofVirtual().name("selector-echo").start(task);
        loop = task;
    }

    SocketAddress address() throws IOException {
        return server.getLocalAddress();
    }

    /** Waits until {@code n} connections have been served and closed; returns how many were. */
    int served(int n) throws Exception {
        org.awaitility.Awaitility.await().atMost(ChannelCompatibilityContract.PROMPTLY).until(() -> closed.get() >= n || loop.isDone());
        if (loop.isDone()) {
            loop.get(); // rethrows what ended the loop
        }
        return closed.get();
    }

    private Void run() throws IOException {
        while (!stopping) {
            selector.select();
            for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                if (key.isValid() && key.isAcceptable()) {
                    SocketChannel c = server.accept();
                    if (c != null) {
                        c.configureBlocking(false).register(selector, OP_READ, ByteBuffer.allocate(4096));
                    }
                }
                try {
                    if (key.isValid() && key.isReadable()) {
                        read(key);
                    }
                    if (key.isValid() && key.isWritable()) {
                        flush(key);
                    }
                } catch (IOException e) {
                    // a client that reset its connection ends only its own echo, not the server
                    key.channel().close();
                    closed.incrementAndGet();
                }
            }
        }
        return null;
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer pending = (ByteBuffer) key.attachment();
        if (pending.position() > 0) {
            return; // still writing back what came before; OP_READ is off until then
        }
        int n = c.read(pending);
        if (n < 0) {
            c.close();
            closed.incrementAndGet();
            return;
        }
        flush(key);
    }

    private void flush(SelectionKey key) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer pending = (ByteBuffer) key.attachment();
        pending.flip();
        c.write(pending);
        pending.compact();
        key.interestOps(pending.position() > 0 ? OP_WRITE : OP_READ);
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        selector.wakeup();
        try {
            loop.get(ChannelCompatibilityContract.PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the selector loop failed or did not end", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the selector loop ended");
        } finally {
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
        }
    }
}
