package io.loomring.net;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.Backend;
import io.loomring.Counters;
import io.loomring.IoScheduler;
import io.loomring.poller.PollerCounters;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Carried threads' timeouts, which their carrier times itself: a timed-out read on a scheduler
 * with nothing else to do (the carrier's sleep in the kernel must end at the deadline), many at
 * once with deadlines of their own, a thread whose reads keep ending in time (its deadline filed
 * again, never fired), and a scheduler closed under a long timeout.
 */
class CarriedTimedWaitTest {
    private static final Duration LONG = Duration.ofSeconds(5);
    /** What a timeout may be late by on a loaded test machine. */
    private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static IoScheduler carrying(Backend backend) {
        IoScheduler io = Loopback.scheduler(backend);
        if (!io.carriesThreads()) {
            io.close();
            Assumptions.abort(io.carrierReason());
        }
        return io;
    }

    /** Runs {@code task} on a carried thread of {@code io} and returns what it returned. */
    private static <T> T carried(IoScheduler io, java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        io.threadFactory().newThread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }).start();
        return result.get(60, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void aReadTimesOutOnAnIdleCarrier(Backend backend) throws Exception {
        try (IoScheduler io = carrying(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket accepted = server.accept(LONG)) {
            assertNotNull(accepted);
            client.setReadTimeout(Duration.ofMillis(300));
            long elapsed = carried(io, () -> {
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, () -> client.read(ByteBuffer.allocate(4)));
                return System.nanoTime() - start;
            });
            assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(300), "timed out early: " + elapsed + " ns");
            assertTrue(elapsed < TimeUnit.MILLISECONDS.toNanos(300) + SLACK_NANOS, "timed out late: " + elapsed + " ns");
            assertTrue(Counters.of(io, PollerCounters.TIMERS_FIRED) >= 1, "the carrier's timer ended the wait");
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void manyThreadsTimeOutEachAtItsOwnDeadline(Backend backend) throws Exception {
        int threads = 48;
        try (IoScheduler io = carrying(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), threads, false, io)) {
            List<TcpSocket> sockets = new ArrayList<>();
            List<CompletableFuture<Long>> late = new ArrayList<>();
            try {
                for (int i = 0; i < threads; i++) {
                    sockets.add(TcpSocket.connect(server.localAddress(), LONG, io));
                    sockets.add(server.accept(LONG));
                }
                for (int i = 0; i < threads; i++) {
                    TcpSocket socket = sockets.get(2 * i);
                    long timeoutMillis = 100 + 25L * ((i * 7) % threads); // deadlines out of start order
                    socket.setReadTimeout(Duration.ofMillis(timeoutMillis));
                    CompletableFuture<Long> lateBy = new CompletableFuture<>();
                    late.add(lateBy);
                    io.threadFactory().newThread(() -> {
                        long start = System.nanoTime();
                        try {
                            socket.read(ByteBuffer.allocate(4));
                            lateBy.completeExceptionally(new AssertionError("read returned"));
                        } catch (SocketTimeoutException e) {
                            lateBy.complete(System.nanoTime() - start - TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
                        } catch (Throwable t) {
                            lateBy.completeExceptionally(t);
                        }
                    }).start();
                }
                for (int i = 0; i < threads; i++) {
                    long by = late.get(i).get(60, TimeUnit.SECONDS);
                    assertTrue(by >= 0, "thread " + i + " timed out " + -by + " ns early");
                    assertTrue(by < SLACK_NANOS, "thread " + i + " timed out " + by + " ns late");
                }
                assertTrue(Counters.of(io, PollerCounters.TIMERS_FIRED) >= threads);
            } finally {
                for (TcpSocket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void readsThatEndInTimeFireNoTimer(Backend backend) throws Exception {
        try (IoScheduler io = carrying(backend);
             TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
             TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
             TcpSocket accepted = server.accept(LONG)) {
            client.setReadTimeout(Duration.ofMillis(400));
            int rounds = 300;
            Thread peer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        accepted.write(new byte[] {(byte) i}, 0, 1);
                        if (i % 50 == 0) {
                            Thread.sleep(20); // some reads wait, their deadlines filed
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int read = carried(io, () -> {
                ByteBuffer one = ByteBuffer.allocate(1);
                for (int i = 0; i < rounds; i++) {
                    one.clear();
                    assertEquals(1, client.read(one));
                    assertEquals((byte) i, one.get(0));
                }
                return rounds;
            });
            peer.join();
            assertEquals(rounds, read);
            assertEquals(0, Counters.of(io, PollerCounters.TIMERS_FIRED), "no read timed out");
            // the last deadline, filed long ago under an earlier key, still ends a silent wait
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> carried(io, () -> client.read(ByteBuffer.allocate(1))));
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
            assertEquals(1, Counters.of(io, PollerCounters.TIMERS_FIRED));
        }
    }

    @ParameterizedTest
    @MethodSource("io.loomring.net.Loopback#backends")
    void closingTheSchedulerEndsALongWait(Backend backend) throws Exception {
        IoScheduler io = carrying(backend);
        TcpServerSocket server = TcpServerSocket.bind(Loopback.anyPortV4(), 16, false, io);
        TcpSocket client = TcpSocket.connect(server.localAddress(), LONG, io);
        TcpSocket accepted = server.accept(LONG);
        client.setReadTimeout(Duration.ofSeconds(60));
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread reader = io.threadFactory().newThread(() -> {
            try {
                client.read(ByteBuffer.allocate(4));
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        });
        reader.start();
        // the read waits, its deadline filed with its carrier
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> reader.getState() == Thread.State.TIMED_WAITING
                || reader.getState() == Thread.State.WAITING);
        long start = System.nanoTime();
        io.close();
        Throwable t = ended.get(20, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
        assertNotNull(t, "the read returned normally from a closed scheduler");
        assertFalse(t instanceof SocketTimeoutException, "it waited out its timeout: " + t);
        accepted.close();
        client.close();
        server.close();
    }
}
