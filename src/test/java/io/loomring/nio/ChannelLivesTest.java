package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import io.loomring.ffm.LibC;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ten thousand channel lives leave nothing behind: each life connects, accepts, echoes a byte,
 * registers the client with a selector now and then, and closes; every tenth life opens and
 * closes a selector of its own. Afterwards the process has as many fds, platform threads and
 * native blocks as before (after a warm-up that creates what lives for the whole run).
 */
class ChannelLivesTest {
    private static final int LIVES = 10_000;
    private static final int WARM_UP = 200;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    @Timeout(300)
    void tenThousandLivesLeaveNoFdThreadOrNativeMemory(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            LoomringSelectorProvider provider = new LoomringSelectorProvider(io);
            try (ServerSocketChannel server = provider.openServerSocketChannel()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                lives(provider, server, threads, WARM_UP);
                long fds = Fds.openFdCount();
                int platformThreads = ManagementFactory.getThreadMXBean().getThreadCount();
                long blocks = LibC.blocksHeld();
                lives(provider, server, threads, LIVES);
                Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertEquals(fds, Fds.openFdCount(), "open fds");
                    assertEquals(blocks, LibC.blocksHeld(), "native blocks held");
                });
                assertTrue(ManagementFactory.getThreadMXBean().getThreadCount() <= platformThreads + 2,
                        "platform threads grew from " + platformThreads);
            }
        }
    }

    private static void lives(LoomringSelectorProvider provider, ServerSocketChannel server,
                              ExecutorService threads, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Future<SocketChannel> accepted = threads.submit(server::accept);
            try (SocketChannel client = provider.openSocketChannel()) {
                client.connect(server.getLocalAddress());
                try (SocketChannel peer = accepted.get(10, TimeUnit.SECONDS)) {
                    client.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                    ByteBuffer one = ByteBuffer.allocate(1);
                    assertEquals(1, peer.read(one));
                    assertEquals((byte) i, one.get(0));
                    if (i % 10 == 0) {
                        selectorLife(provider, client);
                    }
                }
            }
        }
    }

    /** A selector that sees the client writable, then closes; a closed selector leaves nothing either. */
    private static void selectorLife(LoomringSelectorProvider provider, SocketChannel client) throws Exception {
        Selector selector;
        try {
            selector = provider.openSelector();
        } catch (UnsupportedOperationException e) {
            return; // no selector in this build
        }
        try (selector) {
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_WRITE);
            assertEquals(1, selector.select(5000));
        }
    }
}
