package io.loomring.examples.resp;

import io.loomring.examples.BlockingConnection;
import io.loomring.examples.ConnectionHandler;
import io.loomring.examples.ReadTimeouts;
import io.loomring.examples.TimedReader;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A small Redis-compatible key-value server (RESP2). Each connection reads commands, runs every
 * complete one it has (clients pipeline many per write), and answers the batch with one write.
 * One {@link KeyValueStore} is shared by all connections of a handler.
 *
 * <p>A connection that sends nothing for the idle timeout is closed, like Redis's {@code timeout}
 * setting, and so is one that sends part of a command and not the rest within the request timeout
 * ({@link ReadTimeouts}). A new connection counts as idle: pooled clients open theirs ahead of use.
 */
public final class RespHandler implements ConnectionHandler {
    /**
     * 10 s for a command, counted from its first byte: a client writes a command at once (even
     * 512 KiB of values take well under a second), so a half command that stays half is a stalled
     * or malicious client. 300 s of idleness: Redis's own default is never ({@code timeout 0}),
     * since its clients keep pooled connections open between bursts of use; an example open to the
     * world cannot let every abandoned connection hold a file descriptor for ever, and five minutes
     * is far longer than a pool in use leaves a connection unused, while pooled clients reconnect by
     * themselves when they find one closed.
     */
    public static final ReadTimeouts DEFAULT_TIMEOUTS =
            new ReadTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(300));

    private final KeyValueStore store = new KeyValueStore();
    private final ReadTimeouts timeouts;

    /** A handler with an empty store and the {@link #DEFAULT_TIMEOUTS}. */
    public RespHandler() {
        this(DEFAULT_TIMEOUTS);
    }

    /** A handler with an empty store whose connections wait at most as {@code timeouts} allow. */
    public RespHandler(ReadTimeouts timeouts) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    @Override
    public void handle(TcpSocket socket) throws IOException {
        handle(BlockingConnection.of(socket));
    }

    /**
     * Serves one connection of any socket stack (the benchmarks run this handler on the JDK's
     * sockets too); the caller closes it afterwards.
     *
     * @throws java.net.SocketTimeoutException when the client took longer than a timeout allows
     * @throws IOException when the connection fails
     */
    public void handle(BlockingConnection socket) throws IOException {
        RespReader in = new RespReader();
        RespWriter out = new RespWriter();
        TimedReader reads = new TimedReader(socket, timeouts);
        try {
            while (true) {
                List<byte[]> command;
                while ((command = in.next()) != null) {
                    reads.requestComplete();
                    if (!command.isEmpty() && !store.execute(command, out)) {
                        out.flushTo(socket); // QUIT
                        return;
                    }
                    if (out.isFull()) {
                        out.flushTo(socket);
                    }
                }
                out.flushTo(socket);
                if (in.hasPartial()) {
                    reads.requestBegun(); // from the first byte of a command on, its clock runs
                }
                if (in.fill(reads) < 0) {
                    return;
                }
            }
        } catch (RespProtocolException e) {
            // The stream cannot be resynchronised: answer what came before, say why, and hang up.
            out.error("ERR Protocol error: " + e.getMessage());
            out.flushTo(socket);
        }
    }
}
