package io.loomring.net;

import io.loomring.IoScheduler;
import io.loomring.OnThread;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocket;

/**
 * Both ends of one TLS connection layered over Loomring drop-in sockets: a client socket from
 * {@link LoomringSocketFactory} under a client-mode {@link SSLSocket}, and the connection a
 * {@link LoomringServerSocketFactory} server socket accepted under a server-mode one. Each end
 * connects and handshakes on a thread of its own from the given factory.
 */
record TlsPair(Socket clientRaw, SSLSocket client, Socket serverRaw, SSLSocket server) implements AutoCloseable {
    /** How long the connect and handshake of both ends may take together. */
    static final Duration HANDSHAKE = Duration.ofSeconds(10);
    /** A read timeout on every TLS socket, so that a lost peer fails a test instead of hanging it. */
    static final int SAFETY_MILLIS = 60_000;

    /** Connects, layers TLS over both ends and completes the handshake within {@link #HANDSHAKE}. */
    static TlsPair open(IoScheduler io, SelfSignedTls tls, ThreadFactory threads, ThreadKind kind) throws Exception {
        try (ServerSocket listener = new LoomringServerSocketFactory(io).createServerSocket(0, 4, Loopback.V4)) {
            listener.setSoTimeout((int) HANDSHAKE.toMillis());
            CompletableFuture<Socket[]> accepted = OnThread.start(threads, () -> {
                kind.assertCurrent();
                Socket raw = listener.accept();
                return new Socket[] {raw, handshake(tls.overAccepted(raw))};
            });
            CompletableFuture<Socket[]> connected = OnThread.start(threads, () -> {
                kind.assertCurrent();
                Socket raw = new LoomringSocketFactory(io).createSocket();
                raw.connect(listener.getLocalSocketAddress(), (int) HANDSHAKE.toMillis());
                return new Socket[] {raw, handshake(tls.overClient(raw))};
            });
            Socket[] c = get(connected, HANDSHAKE, "client connect and handshake");
            Socket[] s;
            try {
                s = get(accepted, HANDSHAKE, "server accept and handshake");
            } catch (Exception | AssertionError e) {
                c[1].close();
                throw e;
            }
            return new TlsPair(c[0], (SSLSocket) c[1], s[0], (SSLSocket) s[1]);
        }
    }

    /**
     * Completes {@code s}'s handshake on the calling thread, with {@link #SAFETY_MILLIS} as its read
     * timeout; closes it (and the socket under it) if that fails.
     */
    static SSLSocket handshake(SSLSocket s) throws IOException {
        try {
            s.setSoTimeout(SAFETY_MILLIS);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The value of {@code f} within {@code bound}, or what the body threw; an AssertionError past the bound. */
    static <T> T get(CompletableFuture<T> f, Duration bound, String what) throws Exception {
        try {
            return f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " took longer than " + bound, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            if (e.getCause() instanceof Error x) {
                throw x;
            }
            throw e;
        }
    }

    /** Closes both ends without waiting for the peer (see {@link #closePromptly}). */
    @Override
    public void close() throws IOException {
        try {
            closePromptly(client);
        } finally {
            closePromptly(server);
        }
    }

    /**
     * Closes {@code s} (and the socket under it) without reading first: with a read timeout set,
     * the JDK's TLS socket first waits up to that timeout for one more byte from the peer when none
     * is buffered (its input record's {@code deplete}); with none set it only skips what is buffered.
     */
    static void closePromptly(SSLSocket s) throws IOException {
        if (!s.isClosed()) {
            s.setSoTimeout(0);
        }
        s.close();
    }
}
