package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Blocking channels on virtual threads, the way a thread-per-connection server uses them: one
 * accepting thread, a virtual thread per accepted channel echoing what it reads, and hundreds of
 * clients at once, each echo checked; on each backend, with ordinary virtual threads and with
 * threads the scheduler's carriers carry.
 */
class BlockingChannelEchoTest {
    private static final int CLIENTS = 300;
    private static final int ROUNDS = 20;

    enum Threads { ORDINARY, CARRIED }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    @Timeout(120)
    void hundredsOfVirtualThreadsEcho(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        for (Threads threads : Threads.values()) {
            try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
                echo(new LoomringSelectorProvider(io), threads == Threads.CARRIED
                        ? io.threadFactory() : Thread.ofVirtual().factory());
            }
        }
    }

    private static void echo(LoomringSelectorProvider provider, ThreadFactory factory) throws Exception {
        try (ServerSocketChannel server = provider.openServerSocketChannel();
             ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), CLIENTS);
            threads.submit(() -> {
                while (server.isOpen()) {
                    SocketChannel c = server.accept();
                    threads.submit(() -> {
                        try (c) {
                            ByteBuffer buf = ByteBuffer.allocate(256);
                            while (c.read(buf) > 0) {
                                buf.flip();
                                while (buf.hasRemaining()) {
                                    c.write(buf);
                                }
                                buf.clear();
                            }
                        }
                        return null;
                    });
                }
                return null;
            });
            List<Future<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i;
                clients.add(threads.submit(() -> client(provider, server.getLocalAddress(), id)));
            }
            for (Future<Integer> f : clients) {
                assertEquals(ROUNDS, f.get(60, TimeUnit.SECONDS));
            }
            server.close();
            threads.shutdownNow();
        }
    }

    private static int client(LoomringSelectorProvider provider, java.net.SocketAddress server, int id)
            throws Exception {
        try (SocketChannel c = provider.openSocketChannel()) {
            c.connect(server);
            int done = 0;
            for (int r = 0; r < ROUNDS; r++) {
                byte[] msg = ("client " + id + " round " + r).getBytes();
                c.write(ByteBuffer.wrap(msg));
                ByteBuffer back = ByteBuffer.allocate(msg.length);
                while (back.hasRemaining()) {
                    if (c.read(back) < 0) {
                        throw new java.io.EOFException("echo ended early");
                    }
                }
                assertArrayEquals(msg, back.array());
                done++;
            }
            return done;
        }
    }
}
