package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.TestBackends;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A gathering write of a direct header buffer and a heap body, as NIO frameworks flush a response,
 * leaves in one send: a peer already blocked in a read receives both in that one read. (Sent one
 * buffer after the other, with TCP_NODELAY, the header leaves alone and wakes the peer first: two
 * segments per response, twice the network work.)
 */
class GatheringWriteTest {
    private static final int RESPONSES = 20;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aHeaderAndAHeapBodyLeaveAsOne(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build();
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SocketChannel client = new LoomringSelectorProvider(io).openSocketChannel()) {
            client.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()));
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            try (Socket peer = server.accept()) {
                peer.setSoTimeout(10_000);
                InputStream in = peer.getInputStream();
                for (boolean blocking : new boolean[] {true, false}) {
                    client.configureBlocking(blocking);
                    for (int i = 0; i < RESPONSES; i++) {
                        CompletableFuture<Integer> read = new CompletableFuture<>();
                        Thread reader = Thread.ofVirtual().start(() -> read.complete(readOnce(in)));
                        // A virtual thread blocked in the JDK socket's read (SO_TIMEOUT set) is parked: TIMED_WAITING.
                        Awaitility.await().atMost(Duration.ofSeconds(10))
                                .until(() -> reader.getState() == Thread.State.TIMED_WAITING);
                        ByteBuffer header = ByteBuffer.allocateDirect(100).put(new byte[100]).flip();
                        ByteBuffer body = ByteBuffer.wrap(new byte[120]);
                        assertEquals(220, client.write(new ByteBuffer[] {header, body}));
                        assertEquals(220, read.get(10, TimeUnit.SECONDS), "bytes in the peer's one read, "
                                + (blocking ? "blocking" : "non-blocking") + " mode");
                    }
                }
            }
        }
    }

    private static int readOnce(InputStream in) {
        try {
            return in.read(new byte[4096]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
