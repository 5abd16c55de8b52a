package io.loomring.nio.frameworks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a framework leaves behind after its stop: the process's open sockets (read from
 * {@code /proc/self/fd}), and live non-daemon platform threads besides the JVM's own main thread.
 */
final class OpenSockets {
    private OpenSockets() {}

    /**
     * The sockets open before a framework starts. What the JDK makes at the first use of NIO and
     * keeps for the JVM's life (the I/O pollers of virtual threads; the end of a unix socket pair
     * that closing channels dup2 over their fds) is made first, so it counts as the JVM's.
     */
    static Set<String> beforeStart() {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
            Class.forName("sun.nio.ch.UnixDispatcher", true, null); // its socket pair for closing fds
        } catch (ClassNotFoundException | LinkageError e) {
            // another JDK: nothing to make early
        }
        return now();
    }

    /** The socket inodes open now ({@code socket:[N]}). */
    static Set<String> now() {
        Set<String> sockets = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:")) {
                        sockets.add(target);
                    }
                } catch (IOException e) {
                    // closed while listed: not open
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return sockets;
    }

    /** Null once every socket not in {@code before} is closed, else (after {@code limit}) what is left. */
    static String awaitClosed(Set<String> before, Duration limit) {
        return awaitNothing(limit, () -> {
            Set<String> left = now();
            left.removeAll(before);
            return left.isEmpty() ? null : left.stream().map(OpenSockets::describe).collect(Collectors.joining("; "));
        });
    }

    /** {@code socket:[N]} with its line of {@code /proc/self/net/*} (protocol, addresses, state), if found. */
    private static String describe(String socket) {
        String inode = socket.replaceAll("\\D", "");
        for (String table : new String[] {"tcp", "tcp6", "udp", "udp6", "unix", "netlink", "raw", "raw6"}) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/net", table))) {
                    if ((" " + line.trim() + " ").matches(".*\\s" + inode + "\\s.*")) {
                        return socket + " " + table + ": " + line.trim();
                    }
                }
            } catch (IOException e) {
                // no such table here
            }
        }
        return socket;
    }

    /** Null once no non-daemon platform thread but the JVM's main thread lives, else their names. */
    static String awaitNoNonDaemonThreads(Duration limit) {
        return awaitNothing(limit, () -> {
            String names = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && !t.isDaemon() && !t.isVirtual() && t != Thread.currentThread()
                            && !t.getName().equals("main") && !t.getName().equals("DestroyJavaVM"))
                    .map(Thread::getName).sorted().collect(Collectors.joining(", "));
            return names.isEmpty() ? null : names;
        });
    }

    private static String awaitNothing(Duration limit, java.util.function.Supplier<String> check) {
        long deadline = System.nanoTime() + limit.toNanos();
        String left = check.get();
        while (left != null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            left = check.get();
        }
        return left;
    }
}
