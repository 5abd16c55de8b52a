package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the Loomring factories add to the java.net contract: scheduler choice (by instance and by
 * registered name), proxies refused by name, sockets waiting on the scheduler they were made
 * for, and no fd left behind.
 */
class LoomringSocketFactoryTest {

    @Test
    void schedulerByRegisteredName() {
        try (IoScheduler io = Loopback.scheduler(Backend.EPOLL)) {
            LoomringSocketFactory.registerScheduler("factory-test", io);
            try {
                assertSame(io, new LoomringSocketFactory("factory-test").scheduler());
                assertSame(io, new LoomringServerSocketFactory("factory-test").scheduler());
            } finally {
                assertSame(io, LoomringSocketFactory.unregisterScheduler("factory-test"));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LoomringSocketFactory("factory-test"));
            assertTrue(e.getMessage().contains("factory-test"), e.getMessage());
        }
        assertSame(IoScheduler.shared(), new LoomringSocketFactory("").scheduler());
        assertSame(IoScheduler.shared(), new LoomringSocketFactory((String) null).scheduler());
        assertSame(IoScheduler.shared(), new LoomringSocketFactory().scheduler());
        assertThrows(IllegalArgumentException.class, () -> LoomringSocketFactory.registerScheduler("", IoScheduler.shared()));
    }

    @Test
    void proxiesAreRefusedByName() throws IOException {
        LoomringSocketFactory f = new LoomringSocketFactory();
        for (Proxy.Type type : new Proxy.Type[] {Proxy.Type.SOCKS, Proxy.Type.HTTP}) {
            Proxy proxy = new Proxy(type, new InetSocketAddress(Loopback.V4, 1080));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> f.createSocket(proxy));
            assertTrue(e.getMessage().contains(type.name()), e.getMessage());
        }
        try (Socket direct = f.createSocket(Proxy.NO_PROXY)) {
            assertFalse(direct.isConnected());
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void socketsWaitOnTheirSchedulerAndLeaveNoFdBehind(Backend backend) throws Exception {
        try (IoScheduler io = Loopback.scheduler(backend)) {
            LoomringSocketFactory clients = new LoomringSocketFactory(io);
            LoomringServerSocketFactory servers = new LoomringServerSocketFactory(io);
            long fdsBefore = Fds.openFdCount();
            long completionsBefore = io.stats().completions();
            try (ServerSocket server = servers.createServerSocket(0, 50, Loopback.V4)) {
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    threads.add(Thread.ofVirtual().start(() -> {
                        try (Socket a = server.accept()) {
                            a.getOutputStream().write(a.getInputStream().read());
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                for (int i = 0; i < 50; i++) {
                    try (Socket c = clients.createSocket(Loopback.V4, server.getLocalPort())) {
                        c.getOutputStream().write(i);
                        assertEquals(i, c.getInputStream().read());
                    }
                }
                for (Thread t : threads) {
                    t.join();
                }
            }
            assertTrue(io.stats().completions() > completionsBefore, "nothing waited on " + io);
            assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked");
        }
    }
}
