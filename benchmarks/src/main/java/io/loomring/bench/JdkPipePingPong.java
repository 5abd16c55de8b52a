package io.loomring.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The baseline: the JDK's {@link Pipe} channels in blocking mode. On a virtual thread a blocking
 * read that finds no data parks the thread and registers the fd with the JDK's own poller (epoll,
 * oneshot), exactly what a user gets without Loomring. One direct buffer per side, allocated once.
 *
 * <h2>Which JDK sub-poller serves each pipe</h2>
 * On Linux, JDK 25 by default runs several read "sub-pollers" (virtual threads; as many as the
 * largest power of two not above the CPU count, property {@code jdk.readPollers}) and picks one by
 * {@code fd & (count - 1)}. A sub-poller that found an event yields and polls again instead of
 * parking, so when both read ends land on the same sub-poller a ping-pong keeps it spinning and
 * runs several times faster than when they land on two (measured on a two-core VM: about 12 versus
 * 55 us per round trip). Left to chance, the fd numbers of a process decide. This class therefore places the
 * second pipe's read end deliberately: on the first one's sub-poller, or on another one.
 */
public final class JdkPipePingPong extends PingPong {
    private static final int MAX_PLACEMENT_ATTEMPTS = 64;

    private final Pipe pipe1;
    private final Pipe pipe2;
    private final int pipe1ReadFd;
    private final int pipe2ReadFd;
    private final ByteBuffer bufA = ByteBuffer.allocateDirect(1);
    private final ByteBuffer bufB = ByteBuffer.allocateDirect(1);

    /**
     * Opens two JDK pipes (blocking channels).
     *
     * @param samePoller true to put both read ends on one JDK sub-poller, false to put them on two
     * @throws IllegalStateException when the placement cannot be arranged (for example only one
     *                               sub-poller exists and {@code samePoller} is false)
     */
    public JdkPipePingPong(boolean samePoller) throws IOException {
        int pollers = jdkReadPollers();
        if (!samePoller && pollers < 2) {
            throw new IllegalStateException("the JDK runs one read sub-poller here; pipes cannot be split");
        }
        OpenedPipe first = openPipe();
        // Pipes take their two fds together, so the read end's parity only changes across a hole:
        // after a misplaced pipe, take one more fd (a spacer on /dev/null) before trying again.
        List<Closeable> held = new ArrayList<>();
        OpenedPipe second = null;
        try {
            int firstPoller = first.readFd() & (pollers - 1);
            for (int i = 0; i < MAX_PLACEMENT_ATTEMPTS && second == null; i++) {
                OpenedPipe p = openPipe();
                if (((p.readFd() & (pollers - 1)) == firstPoller) == samePoller) {
                    second = p;
                } else {
                    held.add(p.pipe().source()); // held until placed, so the fd numbers stay taken
                    held.add(p.pipe().sink());
                    held.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
                }
            }
            if (second == null) {
                throw new IllegalStateException("could not place the second pipe in "
                        + MAX_PLACEMENT_ATTEMPTS + " attempts");
            }
        } catch (IOException | RuntimeException e) {
            closeAll(List.of(first.pipe()));
            throw e;
        } finally {
            for (Closeable c : held) {
                closeQuietly(c);
            }
        }
        pipe1 = first.pipe();
        pipe1ReadFd = first.readFd();
        pipe2 = second.pipe();
        pipe2ReadFd = second.readFd();
        start("jdk-pipe");
    }

    /** The read ends' fd numbers, for the record. */
    public String describe() {
        return "read fds " + pipe1ReadFd + " and " + pipe2ReadFd + " over " + jdkReadPollers()
                + " JDK read sub-poller(s)";
    }

    @Override
    protected void ping() throws IOException {
        bufA.clear();
        pipe1.sink().write(bufA);
        bufA.clear();
        if (pipe2.source().read(bufA) != 1) {
            throw new EOFException("pipe 2 closed unexpectedly");
        }
    }

    @Override
    protected void echoUntilEof() throws IOException {
        for (;;) {
            bufB.clear();
            if (pipe1.source().read(bufB) < 0) {
                return;
            }
            bufB.flip();
            pipe2.sink().write(bufB);
        }
    }

    @Override
    protected void closePingSide() throws IOException {
        pipe1.sink().close();
    }

    @Override
    protected void release() throws IOException {
        pipe1.source().close();
        pipe2.sink().close();
        pipe2.source().close();
    }

    /** The JDK's read sub-poller count (its Linux default, unless {@code jdk.readPollers} is set). */
    static int jdkReadPollers() {
        String mode = System.getProperty("jdk.pollerMode", "2");
        if (mode.equals("1") || mode.equalsIgnoreCase("SYSTEM_THREADS")) {
            return Integer.getInteger("jdk.readPollers",
                    Math.max(Integer.highestOneBit(Runtime.getRuntime().availableProcessors() / 4), 1));
        }
        return Integer.getInteger("jdk.readPollers",
                Math.min(Integer.highestOneBit(Runtime.getRuntime().availableProcessors()), 32));
    }

    /** A pipe and its read end's fd number. */
    private record OpenedPipe(Pipe pipe, int readFd) {}

    /**
     * Opens a pipe and finds its read end's fd number (the JDK keeps it private): the pipe fds that
     * appear in {@code /proc/self/fd} across {@code Pipe.open()}, the read end by its access mode
     * in {@code /proc/self/fdinfo}.
     */
    private static OpenedPipe openPipe() throws IOException {
        Set<Integer> before = new HashSet<>();
        for (PipeFd f : pipeFds()) {
            before.add(f.fd);
        }
        Pipe pipe = Pipe.open();
        int readFd = -1;
        int fresh = 0;
        for (PipeFd f : pipeFds()) {
            if (!before.contains(f.fd)) {
                fresh++;
                if (f.readOnly) {
                    readFd = f.fd;
                }
            }
        }
        if (fresh != 2 || readFd < 0) {
            closeAll(List.of(pipe));
            throw new IOException("cannot identify the new pipe's fds in /proc/self/fd (another thread"
                    + " opened pipes meanwhile?)");
        }
        return new OpenedPipe(pipe, readFd);
    }

    private record PipeFd(int fd, boolean readOnly) {}

    private static List<PipeFd> pipeFds() throws IOException {
        List<PipeFd> result = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            entries = s.toList();
        }
        for (Path p : entries) {
            try {
                String target = Files.readSymbolicLink(p).toString();
                if (!target.startsWith("pipe:")) {
                    continue;
                }
                int fd = Integer.parseInt(p.getFileName().toString());
                result.add(new PipeFd(fd, accessMode(fd) == 0));
            } catch (IOException | NumberFormatException e) {
                // the fd closed while we looked (for example the listing's own directory fd)
            }
        }
        return result;
    }

    /** O_ACCMODE bits of an fd's flags: 0 read-only, 1 write-only, 2 read-write. */
    private static int accessMode(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8) & 3;
            }
        }
        throw new IOException("no flags in /proc/self/fdinfo/" + fd);
    }

    private static void closeAll(List<Pipe> pipes) {
        for (Pipe p : pipes) {
            closeQuietly(p.source());
            closeQuietly(p.sink());
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // best effort while failing or discarding
        }
    }
}
