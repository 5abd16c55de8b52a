package io.loomring.net;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kernel socket behind a connected {@link Socket}, found from outside the socket (a drop-in
 * socket does not show its fd): its inode, from the connection's ports in /proc/net/tcp and tcp6,
 * and the fds of this process that refer to it, from the links in /proc/self/fd.
 */
final class SocketInodes {
    private SocketInodes() {}

    /**
     * The inode of the connection from {@code s}'s local port to its remote port that this process
     * has an fd on (another process may use the same two ports with other addresses).
     */
    static long inode(Socket s) throws IOException {
        String local = ":" + hexPort(s.getLocalPort());
        String remote = ":" + hexPort(s.getPort());
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                long inode = Long.parseLong(f[9]);
                if (f[1].endsWith(local) && f[2].endsWith(remote) && inode != 0 && !fds(inode).isEmpty()) {
                    return inode;
                }
            }
        }
        throw new IllegalStateException("no fd of ours on a connection "
                + s.getLocalPort() + " -> " + s.getPort());
    }

    /** The fds of this process open on socket {@code inode}. */
    static List<Integer> fds(long inode) throws IOException {
        String target = "socket:[" + inode + "]";
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path link : dir) {
                try {
                    if (Files.readSymbolicLink(link).toString().equals(target)) {
                        fds.add(Integer.parseInt(link.getFileName().toString()));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // an fd closed while listing: not the one looked for, or already gone
                }
            }
        }
        return fds;
    }

    private static String hexPort(int port) {
        return String.format(Locale.ROOT, "%04X", port);
    }
}
