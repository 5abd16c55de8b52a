package io.loomring.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomring.Backend;
import io.loomring.Counters;
import io.loomring.Fds;
import io.loomring.IoScheduler;
import io.loomring.SoakTally;
import io.loomring.TestBackends;
import io.loomring.poller.PollerCounters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Channels under churn, the soak test's way: hundreds of virtual threads (half of them carried
 * by the scheduler) loop at random over echoes through a thread-per-connection server and through
 * a selector-loop server ({@link SelectorEchoServer}), reads that another thread closes under
 * them, reads interrupted, adaptor reads that time out, and connections dropped halfway, while
 * the fd count stays bounded. Afterwards: every operation ended with the outcome its action
 * allows, nothing is left armed, no fd leaked, and both servers still answer.
 *
 * <p>Runs 10 s per backend by default; {@code -Dloomring.soak.seconds=N} runs N seconds.
 */
class ChannelSoakTest {
    private static final int WORKERS = 200;
    private static final long SECONDS = Long.getLong("loomring.soak.seconds", 10);

    private final SoakTally tally = new SoakTally();
    /** The silent server's ends of its connections, which never send. */
    private final Queue<SocketChannel> silentPeers = new ConcurrentLinkedQueue<>();

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void soak(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = IoScheduler.builder().backend(backend).build()) {
            LoomringSelectorProvider provider = new LoomringSelectorProvider(io);
            try (ThreadPerConnectionEchoServer blocking = new ThreadPerConnectionEchoServer(provider, io.threadFactory());
                 SelectorEchoServer selecting = new SelectorEchoServer(provider, InetAddress.getLoopbackAddress());
                 ServerSocketChannel silent = provider.openServerSocketChannel()) {
                silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
                SocketAddress[] echoServers = {blocking.address(), selecting.address()};
                SocketAddress silentAddress = silent.getLocalAddress();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                List<Thread> workers = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    ThreadFactory f = i % 2 == 0 ? io.threadFactory("soak-") : Thread.ofVirtual().name("soak-", i).factory();
                    Thread w = f.newThread(() -> work(provider, echoServers, silentAddress, deadline));
                    w.start();
                    workers.add(w);
                }
                // A worker holds at most a client end and a server end at a time, a few more while
                // closing; the silent server keeps up to 2 * WORKERS ends (drainSilent).
                long fdBound = fdsBefore + 6L * WORKERS + 64;
                while (System.nanoTime() < deadline) {
                    tally.check(Fds.openFdCount() <= fdBound, "fds grew past " + fdBound + ": " + Fds.openFdCount());
                    drainSilent(silent);
                    Thread.sleep(100);
                }
                long joinBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (Thread w : workers) {
                    w.join(Duration.ofNanos(Math.max(1, joinBy - System.nanoTime())));
                    tally.check(!w.isAlive(), "worker " + w.getName() + " never finished");
                }
                tally.assertNoFailures("the run");
                tally.assertEveryActionRan();
                for (SocketAddress server : echoServers) {
                    assertEquals(3, echoRounds(provider, server, 3), "server still answers: " + server);
                }
                // A carried thread that left its carrier inside the poller's work would let another
                // one in over it (the fault behind a mixed-up registered file, once).
                assertEquals(0, Counters.of(io, PollerCounters.INLINE_OVERLAPS), "a carried thread left its carrier mid-way");
            } finally {
                for (SocketChannel c : silentPeers) {
                    c.close();
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertEquals(0, io.stats().armed(), "awaits left armed"));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(fdsBefore, Fds.openFdCount(), "fds leaked"));
    }

    private void work(LoomringSelectorProvider provider, SocketAddress[] echoServers, SocketAddress silent, long deadline) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        tally.work(deadline, () -> {
            int rounds = 1 + r.nextInt(5);
            tally.check(echoRounds(provider, echoServers[r.nextInt(2)], rounds) == rounds, "echo rounds");
            tally.echoes.increment();
        }, () -> asyncClose(provider, silent), () -> interrupt(provider, silent), () -> adaptorTimeout(provider, silent),
                () -> dropHalfway(provider, echoServers[r.nextInt(2)]));
    }

    /** Echoes {@code rounds} messages, each checked; returns the rounds done. */
    private static int echoRounds(LoomringSelectorProvider provider, SocketAddress server, int rounds) throws IOException {
        try (SocketChannel c = provider.openSocketChannel()) {
            c.connect(server);
            for (int i = 0; i < rounds; i++) {
                byte[] msg = new byte[1 + ThreadLocalRandom.current().nextInt(4096)];
                ThreadLocalRandom.current().nextBytes(msg);
                ByteBuffer out = ByteBuffer.wrap(msg);
                while (out.hasRemaining()) {
                    c.write(out);
                }
                ByteBuffer back = ByteBuffer.allocate(msg.length);
                while (back.hasRemaining()) {
                    if (c.read(back) < 0) {
                        throw new IOException("echo ended early");
                    }
                }
                if (!ByteBuffer.wrap(msg).equals(back.flip())) {
                    throw new IOException("echo differs");
                }
            }
            return rounds;
        }
    }

    /** A read on a silent connection, closed by another thread: AsynchronousCloseException. */
    private void asyncClose(LoomringSelectorProvider provider, SocketAddress silent) throws Exception {
        SocketChannel c = provider.openSocketChannel();
        c.connect(silent);
        Thread closer = Thread.ofVirtual().start(() -> {
            SoakTally.sleepMillis(1 + ThreadLocalRandom.current().nextInt(5));
            try {
                c.close();
            } catch (IOException e) {
                tally.fail("close failed: " + e);
            }
        });
        try {
            c.read(ByteBuffer.allocate(16));
            tally.fail("a read on a silent connection returned");
        } catch (AsynchronousCloseException e) {
            tally.check(!(e instanceof ClosedByInterruptException), "not interrupted, yet " + e);
            tally.asyncCloses.increment();
        } catch (java.nio.channels.ClosedChannelException e) {
            tally.asyncCloses.increment(); // closed before the read began
        }
        closer.join();
        tally.check(!c.isOpen(), "channel still open after close");
    }

    /** A read on a silent connection, its thread interrupted: ClosedByInterruptException, channel closed. */
    private void interrupt(LoomringSelectorProvider provider, SocketAddress silent) throws Exception {
        try (SocketChannel c = provider.openSocketChannel()) {
            c.connect(silent);
            Thread me = Thread.currentThread();
            Thread interrupter = Thread.ofVirtual().start(() -> {
                SoakTally.sleepMillis(1 + ThreadLocalRandom.current().nextInt(5));
                me.interrupt();
            });
            try {
                c.read(ByteBuffer.allocate(16));
                tally.fail("a read on a silent connection returned");
            } catch (ClosedByInterruptException e) {
                tally.check(Thread.currentThread().isInterrupted(), "interrupt status cleared");
                tally.check(!c.isOpen(), "interrupted channel still open");
                tally.interrupts.increment();
            }
            Thread.interrupted(); // before the join, which an interrupt status would end at once
            interrupter.join();
        }
    }

    /** An adaptor read with SO_TIMEOUT on a silent connection: SocketTimeoutException, channel open. */
    private void adaptorTimeout(LoomringSelectorProvider provider, SocketAddress silent) throws Exception {
        try (SocketChannel c = provider.openSocketChannel()) {
            c.connect(silent);
            Socket s = c.socket();
            s.setSoTimeout(1 + ThreadLocalRandom.current().nextInt(20));
            try {
                s.getInputStream().read();
                tally.fail("an adaptor read on a silent connection returned");
            } catch (SocketTimeoutException e) {
                tally.check(c.isOpen(), "a timeout closed the channel");
                tally.timeouts.increment();
            }
        }
    }

    /** Writes and closes without reading the echo: the server sees its peer go. */
    private void dropHalfway(LoomringSelectorProvider provider, SocketAddress server) throws IOException {
        try (SocketChannel c = provider.openSocketChannel()) {
            c.connect(server);
            c.write(ByteBuffer.wrap(new byte[1 + ThreadLocalRandom.current().nextInt(100_000)]));
            tally.dropped.increment();
        }
    }

    /** Accepts and closes what waits on the silent server, so its backlog never fills. */
    private void drainSilent(ServerSocketChannel silent) throws IOException {
        silent.configureBlocking(false);
        SocketChannel c;
        while ((c = silent.accept()) != null) {
            silentPeers.add(c);
        }
        // The oldest accepted ends belong to actions long finished (a worker holds one at a time).
        while (silentPeers.size() > 2 * WORKERS) {
            silentPeers.poll().close();
        }
    }
}
