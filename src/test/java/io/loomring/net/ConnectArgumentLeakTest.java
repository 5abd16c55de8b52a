package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Fds;
import io.loomring.IoScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An argument {@code connect} refuses is refused before any fd is opened, or the fd is closed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectArgumentLeakTest {
    private static IoScheduler io;

    @BeforeAll
    static void start() {
        io = IoScheduler.builder().build();
    }

    @AfterAll
    static void stop() {
        io.close();
    }

    @Test
    void negativeConnectTimeoutLeaksNoFd() throws Exception {
        try (TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io)) {
            InetSocketAddress target = server.localAddress();
            long before = Fds.openFdCount();
            for (int i = 0; i < 20; i++) {
                assertThrows(IllegalArgumentException.class,
                        () -> TcpSocket.connect(target, Duration.ofMillis(-1), io));
            }
            assertEquals(before, Fds.openFdCount(), "connect with a negative timeout leaked its socket fd");
        }
    }
}
