package io.loomring.bench.reliability;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bursts of traffic separated by quiet spells longer than the JDK scheduler's 30 s keep-alive, as
 * a server sees them at night, against echo servers on each backend and thread mode (ordinary
 * virtual threads served by sub-pollers, and carried threads) in one process. Every burst opens
 * new connections and also uses connections kept open through the spells, whose server side sat
 * in a read the whole time; every echoed byte is checked. Prints one line per burst and exits 1
 * if any exchange failed or any scheduler stopped.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
 *     -cp benchmarks.jar io.loomring.bench.reliability.QuietSpellSoak [soak seconds] [spell seconds] [long spell seconds]</pre>
 * defaults: 600 s of bursts 40 s apart, then one spell of 300 s, then a last burst.
 */
public final class QuietSpellSoak {
    private static final int NEW_CONNECTIONS = 64;
    private static final int KEPT_CONNECTIONS = 16;
    private static final int EXCHANGES = 50;
    private static final int MESSAGE = 1024;

    private QuietSpellSoak() {}

    /** One server: a scheduler, its threads, a listening socket, and connections kept through the spells. */
    private record Server(String name, IoScheduler io, TcpServerSocket socket, List<Socket> kept) {}

    public static void main(String[] args) throws Exception {
        long soakSeconds = args.length > 0 ? Long.parseLong(args[0]) : 600;
        long spellSeconds = args.length > 1 ? Long.parseLong(args[1]) : 40;
        long longSpellSeconds = args.length > 2 ? Long.parseLong(args[2]) : 300;
        List<Server> servers = new ArrayList<>();
        for (Backend backend : new Backend[] {Backend.IO_URING, Backend.EPOLL}) {
            IoScheduler io = IoScheduler.builder().backend(backend).build();
            servers.add(start(backend + " shared", io, Thread.ofVirtual().factory()));
            servers.add(start(backend + " carriers", io, io.threadFactory()));
        }
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + soakSeconds * 1_000_000_000L;
        int burst = 0;
        burst(servers, ++burst, failures, "start");
        while (System.nanoTime() < end) {
            Thread.sleep(spellSeconds * 1000);
            burst(servers, ++burst, failures, "after " + spellSeconds + " s quiet");
        }
        Thread.sleep(longSpellSeconds * 1000);
        burst(servers, ++burst, failures, "after " + longSpellSeconds + " s quiet");
        boolean stopped = servers.stream().anyMatch(s -> s.io().isClosed());
        System.out.printf("%d bursts, %d failed exchanges, schedulers %s; requests resubmitted: io_uring %d,"
                + " epoll %d%n", burst, failures.get(), stopped ? "STOPPED" : "all serving",
                servers.get(0).io().stats().resubmitted(), servers.get(2).io().stats().resubmitted());
        System.exit(failures.get() == 0 && !stopped ? 0 : 1);
    }

    private static Server start(String name, IoScheduler io, ThreadFactory threads) throws IOException {
        TcpServerSocket socket = TcpServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                1024, false, io);
        threads.newThread(() -> {
            while (true) {
                TcpSocket c;
                try {
                    c = socket.accept();
                } catch (IOException e) {
                    System.out.println(name + ": accept failed: " + e);
                    return;
                }
                threads.newThread(() -> echo(c)).start();
            }
        }).start();
        return new Server(name, io, socket, new ArrayList<>());
    }

    private static void echo(TcpSocket c) {
        try (c) {
            byte[] b = new byte[MESSAGE];
            int n;
            while ((n = c.read(b, 0, b.length)) > 0) {
                c.write(b, 0, n);
            }
        } catch (IOException e) {
            System.out.println("server side: " + e);
        }
    }

    private static void burst(List<Server> servers, int number, AtomicLong failures, String when) throws Exception {
        StringBuilder line = new StringBuilder(String.format("burst %2d (%s):", number, when));
        for (Server s : servers) {
            long before = failures.get();
            List<Thread> clients = new ArrayList<>();
            for (Socket kept : s.kept()) {
                clients.add(Thread.ofPlatform().start(() -> exchange(kept, failures, s.name())));
            }
            for (int i = 0; i < NEW_CONNECTIONS; i++) {
                boolean keep = s.kept().size() + i < KEPT_CONNECTIONS;
                clients.add(Thread.ofPlatform().start(() -> {
                    try {
                        Socket c = new Socket(InetAddress.getLoopbackAddress(), s.socket().localAddress().getPort());
                        c.setSoTimeout(20_000);
                        exchange(c, failures, s.name());
                        if (keep) {
                            synchronized (s.kept()) {
                                s.kept().add(c);
                            }
                        } else {
                            c.close();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        System.out.println(s.name() + ": connect failed: " + e);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
            line.append(String.format(" %s %s", s.name(), failures.get() == before ? "ok" : "FAILED"));
            if (s.io().isClosed()) {
                line.append(" (scheduler stopped)");
            }
        }
        System.out.println(line);
    }

    /** {@link #EXCHANGES} messages, each echoed back byte for byte. */
    private static void exchange(Socket c, AtomicLong failures, String name) {
        try {
            OutputStream out = c.getOutputStream();
            InputStream in = c.getInputStream();
            byte[] sent = new byte[MESSAGE];
            byte[] got = new byte[MESSAGE];
            for (int i = 0; i < EXCHANGES; i++) {
                ByteBuffer.wrap(sent).putLong(System.nanoTime()).putInt(i);
                out.write(sent);
                new DataInputStream(in).readFully(got);
                if (!Arrays.equals(sent, got)) {
                    throw new IOException("echo differs");
                }
            }
        } catch (IOException e) {
            failures.incrementAndGet();
            System.out.println(name + ": exchange failed: " + e);
        }
    }
}
