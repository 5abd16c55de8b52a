package io.loomring.net;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.TestBackends;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the completion-mode socket tests share: an io_uring scheduler with two carriers, a server
 * socket on it, and the threads the tests run their socket code on, carried ones unless a subclass
 * says otherwise ({@link #threads}: ordinary virtual threads, served by sub-pollers).
 */
abstract class CompletionModeFixture {
    IoScheduler io;
    TcpServerSocket server;
    private ThreadFactory threads;

    @BeforeEach
    void open() throws IOException {
        TestBackends.assumeAvailable(Backend.IO_URING);
        io = builder().build();
        threads = threads(io);
        server = TcpServerSocket.bind(Loopback.anyPortV4(), 64, false, io);
    }

    /** The scheduler under test: io_uring with two carriers, single RECVs (whatever the system properties say). */
    IoScheduler.Builder builder() {
        return IoScheduler.builder().backend(Backend.IO_URING).carriers(2).multishotReceive(false);
    }

    /** The threads the tests run their socket code on: carried ones here. */
    ThreadFactory threads(IoScheduler scheduler) {
        Assumptions.assumeTrue(scheduler.carriesThreads(), scheduler.carrierReason());
        return scheduler.threadFactory("completion-");
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
        if (io != null) {
            io.close();
        }
    }

    /** Runs {@code body} on a new thread from {@link #threads}. */
    <T> CompletableFuture<T> onCarrier(OnThread.Body<T> body) {
        return OnThread.start(threads, body);
    }
}
