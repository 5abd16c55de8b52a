package io.loomring.examples.lines;

import io.loomring.examples.ExampleServer;
import io.loomring.examples.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The line server as a classic NIO selector loop: the "before" of the migration to
 * {@link ThreadsLineHandler}. One platform thread multiplexes every connection: it waits in
 * {@code select()}, then reacts to whichever channels are ready, keeping each connection's state in
 * its key's attachment and switching between read and write interest by hand.
 */
public final class SelectorLineServer implements ExampleServer {
    /** What one connection remembers between two wakeups of the loop. */
    private static final class Connection {
        final LineProtocol protocol = new LineProtocol();
        final ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer pending = ByteBuffer.allocate(0); // replies the peer has not taken yet
        boolean closeWhenSent;
    }

    private final Selector selector;
    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final Thread loop;
    private volatile boolean closing;
    private volatile IOException failure;

    private SelectorLineServer(Selector selector, ServerSocketChannel server) throws IOException {
        this.selector = selector;
        this.server = server;
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.loop = Thread.ofPlatform().name("selector-loop").unstarted(this::run);
    }

    /**
     * Binds {@code config.address()} and starts the selector thread.
     *
     * @throws IOException if the address cannot be bound
     */
    public static SelectorLineServer start(ServerConfig config) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(config.address(), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
        SelectorLineServer s = new SelectorLineServer(selector, server);
        s.loop.start();
        return s;
    }

    private void run() {
        try {
            while (!closing) {
                selector.select();
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    try {
                        if (key.isAcceptable()) {
                            accept();
                        } else if (key.isReadable()) {
                            read(key);
                        } else if (key.isWritable()) {
                            write(key);
                        }
                    } catch (IOException e) {
                        if (key.channel() == server) {
                            throw e;
                        }
                        key.channel().close(); // this connection failed; the others go on
                    }
                }
            }
        } catch (IOException e) {
            failure = closing ? null : e;
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel()); // the server socket and every connection
            }
            closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        SocketChannel channel = server.accept();
        if (channel != null) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, new Connection());
        }
    }

    private void read(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        if (channel.read(c.in.clear()) == -1) {
            channel.close();
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.closeWhenSent = !c.protocol.process(c.in.flip(), out);
        c.pending = ByteBuffer.wrap(out.toByteArray());
        write(key);
    }

    private void write(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        channel.write(c.pending);
        if (c.pending.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE); // stop reading until the peer catches up
        } else if (c.closeWhenSent) {
            channel.close();
        } else {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public String engine() {
        return "selector";
    }

    @Override
    public void awaitTermination() throws IOException, InterruptedException {
        loop.join();
        IOException e = failure;
        if (e != null) {
            throw e;
        }
    }

    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable resource) {
        try {
            resource.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
