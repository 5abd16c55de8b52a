package io.loomring.net;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A separate JVM's worth of JDK sockets for {@link ManyConnectionsTest}: opens N connections to an
 * echo server, each on its own virtual thread, does one round trip on each, waits until all N are
 * open at once, does a second round trip on each, and closes them. Exits 0 on success; prints the
 * first failure and exits 1 otherwise, 2 on its own deadline.
 *
 * <p>Arguments: host port connections deadlineSeconds
 */
public final class JdkEchoClients {
    private JdkEchoClients() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int n = Integer.parseInt(args[2]);
        long deadlineSeconds = Long.parseLong(args[3]);
        CountDownLatch allOpen = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(n);
        Semaphore connecting = new Semaphore(256); // keep SYN bursts within the listen backlog
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger ok = new AtomicInteger();
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final long id = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Socket s = new Socket()) {
                    connecting.acquire();
                    try {
                        s.connect(server, 30_000);
                    } finally {
                        connecting.release();
                    }
                    s.setSoTimeout(60_000);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    roundTrip(out, in, id);
                    allOpen.countDown();
                    if (!allOpen.await(deadlineSeconds, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("not all connections opened in time");
                    }
                    roundTrip(out, in, id + (1L << 32));
                    ok.incrementAndGet();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    allOpen.countDown();
                } finally {
                    done.countDown();
                }
            }));
        }
        if (!done.await(deadlineSeconds, TimeUnit.SECONDS)) {
            System.out.println("deadline passed: " + ok.get() + " of " + n + " done");
            System.exit(2);
        }
        if (failure.get() != null) {
            System.out.println("failed: " + ok.get() + " of " + n + " ok; first failure:");
            failure.get().printStackTrace(System.out);
            System.exit(1);
        }
        System.out.println("ok " + ok.get());
        System.exit(0);
    }

    private static void roundTrip(DataOutputStream out, DataInputStream in, long value) throws Exception {
        out.writeLong(value);
        out.flush();
        long back = in.readLong();
        if (back != value) {
            throw new IllegalStateException("echo of " + value + " came back as " + back);
        }
    }
}
