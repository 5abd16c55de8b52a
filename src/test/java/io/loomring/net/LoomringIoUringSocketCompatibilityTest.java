package io.loomring.net;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility contract on Loomring's sockets, IO_URING backend. */
class LoomringIoUringSocketCompatibilityTest extends SocketCompatibilityContract {
    private static IoScheduler scheduler;

    @BeforeAll
    static void open() {
        scheduler = Loopback.scheduler(Backend.IO_URING);
    }

    @AfterAll
    static void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Override
    SocketFactory clients() {
        return new LoomringSocketFactory(scheduler);
    }

    @Override
    ServerSocketFactory servers() {
        return new LoomringServerSocketFactory(scheduler);
    }

    @Override
    boolean isLoomring() {
        return true;
    }
}
