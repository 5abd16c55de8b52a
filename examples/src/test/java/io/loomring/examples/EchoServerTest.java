package io.loomring.examples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The echo server, driven by the JDK's own blocking sockets. */
@Timeout(60)
class EchoServerTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void echoesALargeTransferWhileTheClientIsStillWriting(Backend backend) throws Exception {
        byte[] data = new byte[4 * 1024 * 1024]; // far more than the socket buffers hold
        new Random(42).nextBytes(data);
        try (ExampleServer server = Backends.start("echo", backend);
             Socket client = connect(server)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(data);
                    client.shutdownOutput(); // half-close: the server answers with EOF after the echo
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = client.getInputStream().readAllBytes();
            writer.join();
            assertArrayEquals(data, echoed);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void servesManyClientsAtOnceAndForgetsThemWhenTheyLeave(Backend backend) throws Exception {
        int clients = 200;
        try (ExampleServer server = Backends.start("echo", backend);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    try (Socket s = connect(server)) {
                        for (int round = 0; round < 20; round++) {
                            byte[] message = ("client " + id + " round " + round + "\n").getBytes();
                            s.getOutputStream().write(message);
                            if (!java.util.Arrays.equals(message, s.getInputStream().readNBytes(message.length))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
            LoomringServer loomring = (LoomringServer) server;
            await().atMost(Duration.ofSeconds(10)).until(() -> loomring.connectionCount() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void closingTheServerClosesIdleConnections(Backend backend) throws Exception {
        ExampleServer server = Backends.start("echo", backend);
        try (Socket client = connect(server)) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write('x');
            assertEquals('x', in.read());
            LoomringServer loomring = (LoomringServer) server;
            await().atMost(Duration.ofSeconds(5)).until(() -> loomring.connectionCount() == 1);
            server.close(); // returns once the connection's thread has finished
            assertEquals(-1, in.read());
        } finally {
            server.close();
        }
    }

    static Socket connect(ExampleServer server) throws Exception {
        Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        s.setSoTimeout(30_000);
        return s;
    }
}
