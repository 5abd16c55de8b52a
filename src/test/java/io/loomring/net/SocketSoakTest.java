package io.loomring.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomring.Backend;
import io.loomring.Counters;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import io.loomring.SoakTally;
import io.loomring.TestBackends;
import io.loomring.poller.PollerCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Loomring's own sockets under churn, as the channel soak test does for NIO channels: hundreds of
 * virtual threads (half of them carried) loop at random over echoes through a thread-per-connection
 * server of carried threads, reads that another thread closes under them, interrupted reads, reads
 * that time out, and connections dropped halfway. On io_uring the reads go through multishot
 * receives with provided buffers (the default), and with {@code -Dloomring.fixedFiles=true} and
 * {@code -Dloomring.multishotAccept=true} (the suite's levers pass) through registered files and
 * multishot accepts too. Afterwards: every action ended as it may, no provided buffer is held, no
 * registered file is left, nothing is armed, no fd leaked, no carried thread left its carrier
 * inside the poller's work, and the server still answers.
 *
 * <p>Runs 10 s per backend by default; {@code -Dloomring.soak.seconds=N} runs N seconds.
 */
class SocketSoakTest {
    private static final int WORKERS = 200;
    private static final long SECONDS = Long.getLong("loomring.soak.seconds", 10);
    private static final Duration CONNECT = Duration.ofSeconds(10);

    private final SoakTally tally = new SoakTally();
    /** The silent server's ends of its connections, which never send. */
    private final Queue<TcpSocket> silentPeers = new ConcurrentLinkedQueue<>();

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void soak(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            ThreadFactory carried = io.threadFactory("soak-");
            InetSocketAddress loopback = Loopback.anyPortV4();
            TcpServerSocket echo = TcpServerSocket.bind(loopback, 1024, false, io);
            TcpServerSocket silent = TcpServerSocket.bind(loopback, 1024, false, io);
            ExecutorService serving = Executors.newThreadPerTaskExecutor(carried);
            try {
                serving.submit(() -> acceptLoop(echo, serving));
                serving.submit(() -> drainSilent(silent));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                List<Thread> workers = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    ThreadFactory f = i % 2 == 0 ? carried : Thread.ofVirtual().name("soak-", i).factory();
                    Thread w = f.newThread(() -> work(io, echo.localAddress(), silent.localAddress(), deadline));
                    w.start();
                    workers.add(w);
                }
                long joinBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS + 60);
                for (Thread w : workers) {
                    w.join(Duration.ofNanos(Math.max(1, joinBy - System.nanoTime())));
                    tally.check(!w.isAlive(), "worker " + w.getName() + " never finished");
                }
                tally.assertNoFailures("the run");
                tally.assertEveryActionRan();
                assertEquals(3, echoRounds(io, echo.localAddress(), 3), "the server still answers");
                assertEquals(0, Counters.of(io, PollerCounters.INLINE_OVERLAPS), "a carried thread left its carrier mid-way");
            } finally {
                echo.close(); // ends the accept loops
                silent.close();
                serving.shutdownNow(); // interrupts the echoes, which closes their sockets
                tally.check(serving.awaitTermination(20, TimeUnit.SECONDS), "the server's threads never ended");
                silentPeers.forEach(SocketSoakTest::closeQuietly);
            }
            tally.assertNoFailures("after the run");
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertEquals(0, io.stats().armed(), "awaits left armed");
                assertEquals(0, io.stats().receiveBuffersHeld(), "provided buffers still held");
                assertEquals(0, io.stats().fixedFiles(), "registered files left");
            });
        }
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked"));
    }

    private static Void acceptLoop(TcpServerSocket server, ExecutorService serving) {
        for (;;) {
            TcpSocket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return null; // closed at the end
            }
            serving.submit(() -> echo(s));
        }
    }

    private static Void echo(TcpSocket s) {
        try (s) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = s.read(buf, 0, buf.length)) > 0) {
                s.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the peer went away mid-echo
        }
        return null;
    }

    /** Accepts what waits on the silent server and keeps the newest ends, so its backlog never fills. */
    private Void drainSilent(TcpServerSocket silent) {
        for (;;) {
            try {
                silentPeers.add(silent.accept());
            } catch (IOException e) {
                return null;
            }
            while (silentPeers.size() > 2 * WORKERS) {
                TcpSocket old = silentPeers.poll();
                if (old != null) {
                    closeQuietly(old);
                }
            }
        }
    }

    private void work(IoScheduler io, InetSocketAddress echo, InetSocketAddress silent, long deadline) {
        tally.work(deadline, () -> {
            int rounds = 1 + ThreadLocalRandom.current().nextInt(5);
            tally.check(echoRounds(io, echo, rounds) == rounds, "echo rounds");
            tally.echoes.increment();
        }, () -> asyncClose(io, silent), () -> interrupt(io, silent), () -> timeout(io, silent),
                () -> dropHalfway(io, echo));
    }

    /** Echoes {@code rounds} messages of up to 20 KiB, each checked; returns the rounds done. */
    private static int echoRounds(IoScheduler io, InetSocketAddress server, int rounds) throws IOException {
        try (TcpSocket c = TcpSocket.connect(server, CONNECT, io)) {
            for (int i = 0; i < rounds; i++) {
                byte[] msg = new byte[1 + ThreadLocalRandom.current().nextInt(20 * 1024)];
                ThreadLocalRandom.current().nextBytes(msg);
                c.write(msg, 0, msg.length);
                byte[] back = new byte[msg.length];
                int got = 0;
                while (got < back.length) {
                    int n = c.read(back, got, back.length - got);
                    if (n < 0) {
                        throw new IOException("echo ended early");
                    }
                    got += n;
                }
                if (!Arrays.equals(msg, back)) {
                    throw new IOException("echo differs");
                }
            }
            return rounds;
        }
    }

    /** A read on a silent connection, closed by another thread: AsynchronousCloseException. */
    private void asyncClose(IoScheduler io, InetSocketAddress silent) throws Exception {
        TcpSocket c = TcpSocket.connect(silent, CONNECT, io);
        Thread closer = Thread.ofVirtual().start(() -> {
            SoakTally.sleepMillis(1 + ThreadLocalRandom.current().nextInt(5));
            closeQuietly(c);
        });
        try {
            c.read(new byte[16], 0, 16);
            tally.fail("a read on a silent connection returned");
        } catch (ClosedChannelException e) { // AsynchronousCloseException during the read, or closed before it
            tally.check(!(e instanceof ClosedByInterruptException), "not interrupted, yet " + e);
            tally.asyncCloses.increment();
        }
        closer.join();
        tally.check(!c.isOpen(), "socket still open after close");
    }

    /** A read on a silent connection, its thread interrupted: ClosedByInterruptException, socket closed. */
    private void interrupt(IoScheduler io, InetSocketAddress silent) throws Exception {
        try (TcpSocket c = TcpSocket.connect(silent, CONNECT, io)) {
            Thread me = Thread.currentThread();
            Thread interrupter = Thread.ofVirtual().start(() -> {
                SoakTally.sleepMillis(1 + ThreadLocalRandom.current().nextInt(5));
                me.interrupt();
            });
            try {
                c.read(new byte[16], 0, 16);
                tally.fail("a read on a silent connection returned");
            } catch (ClosedByInterruptException e) {
                tally.check(Thread.currentThread().isInterrupted(), "interrupt status cleared");
                tally.check(!c.isOpen(), "interrupted socket still open");
                tally.interrupts.increment();
            }
            Thread.interrupted(); // before the join, which an interrupt status would end at once
            interrupter.join();
        }
    }

    /** A read with a timeout on a silent connection: SocketTimeoutException, socket open. */
    private void timeout(IoScheduler io, InetSocketAddress silent) throws Exception {
        try (TcpSocket c = TcpSocket.connect(silent, CONNECT, io)) {
            c.setReadTimeout(Duration.ofMillis(1 + ThreadLocalRandom.current().nextInt(20)));
            try {
                c.read(new byte[16], 0, 16);
                tally.fail("a timed read on a silent connection returned");
            } catch (SocketTimeoutException e) {
                tally.check(c.isOpen(), "a timeout closed the socket");
                tally.timeouts.increment();
            }
        }
    }

    /** Writes and closes without reading the echo: the server sees its peer go. */
    private void dropHalfway(IoScheduler io, InetSocketAddress server) throws IOException {
        try (TcpSocket c = TcpSocket.connect(server, CONNECT, io)) {
            byte[] junk = new byte[1 + ThreadLocalRandom.current().nextInt(100_000)];
            c.write(junk, 0, junk.length);
            tally.dropped.increment();
        }
    }

    private static void closeQuietly(TcpSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
