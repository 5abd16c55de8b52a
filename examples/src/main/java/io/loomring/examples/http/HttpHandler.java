package io.loomring.examples.http;

import io.loomring.examples.BlockingConnection;
import io.loomring.examples.ConnectionHandler;
import io.loomring.examples.ReadTimeouts;
import io.loomring.examples.TimedReader;
import io.loomring.examples.http.HttpParser.BadRequestException;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A minimal HTTP/1.1 server: {@code GET /} answers {@code Hello, World!} in plain text,
 * {@code GET /big} a large response, the {@link #bigBody() 64 KiB of text} built once at start-up,
 * other paths 404. Connections stay open (keep-alive) and may pipeline: every complete request in
 * the input buffer is answered, and the answers leave in one write (with a {@code /big} body,
 * which does not fit in the output buffer, as the second buffer of a gathering write: on a Loomring
 * socket the body's direct copy, sent from where it is in the same call as the heads before it, as
 * Netty sends a direct buffer; on the JDK's stream sockets, which do not gather, the heads and
 * then the body's array). A request head must fit in
 * {@link #MAX_HEAD} bytes, so a connection never holds more memory than its two buffers.
 *
 * <p>Nor does it hold its file descriptor for ever ({@link ReadTimeouts}): a request (head and
 * body) must arrive within the request timeout of its first byte, and the first request of a
 * connection within the request timeout of the accept, as in nginx (a client that connects means
 * to send at once). A head that comes too late gets 408 and the connection closes; a keep-alive
 * connection that waits longer than the idle timeout for its next request just closes.
 */
public final class HttpHandler implements ConnectionHandler {
    /** The largest request head accepted; longer ones get 431 and the connection is closed. */
    public static final int MAX_HEAD = 8 * 1024;

    /**
     * 10 s for a request: a client on a slow link sends a head of a few hundred bytes in well
     * under a second, so only a stalled or malicious one (slowloris) needs longer. 60 s of
     * keep-alive: longer than HTTP clients keep an idle pooled connection themselves (the JDK's
     * HttpClient 30 s), so it is the client that closes first, rather than the server closing
     * under a request the client is just sending; and far beyond the gaps between the requests
     * of a busy connection (milliseconds, even for wrk's thousand connections on two cores).
     */
    public static final ReadTimeouts DEFAULT_TIMEOUTS =
            new ReadTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60));

    /** How long to wait for more input when closing after an error, and how much to discard. */
    private static final Duration LINGER = Duration.ofMillis(500);
    private static final int MAX_LINGER_BYTES = 64 * 1024;
    /** Room one response needs at most in the output buffer. */
    private static final int MAX_RESPONSE = 512;

    /** The path of the large response. */
    public static final String BIG_PATH = "/big";
    /** The length of the large response's body: 64 KiB. */
    public static final int BIG_LENGTH = 64 * 1024;
    /** The characters of {@link #bigBody()}'s lines, 64 of them. */
    private static final String BIG_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static final byte[] HELLO = ascii("Hello, World!");
    private static final byte[] OK = ascii(statusAndLength(200, "OK", HELLO.length));
    private static final byte[] BIG = bigBody();
    /** {@link #BIG} in native memory, for connections that gather a heap head and a direct body. */
    private static final ByteBuffer BIG_DIRECT =
            ByteBuffer.allocateDirect(BIG_LENGTH).put(BIG).flip().asReadOnlyBuffer();
    private static final byte[] BIG_OK = ascii(statusAndLength(200, "OK", BIG.length));
    private static final byte[] NOT_FOUND = ascii(statusAndLength(404, "Not Found", 0));
    private static final byte[] METHOD_NOT_ALLOWED =
            ascii(statusAndLength(405, "Method Not Allowed", 0) + "Allow: GET, HEAD\r\n");
    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CRLF = ascii("\r\n");

    private final ReadTimeouts timeouts;

    /** An HTTP handler with the {@link #DEFAULT_TIMEOUTS}. */
    public HttpHandler() {
        this(DEFAULT_TIMEOUTS);
    }

    /** An HTTP handler whose connections wait for their clients at most as {@code timeouts} allow. */
    public HttpHandler(ReadTimeouts timeouts) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    @Override
    public void handle(TcpSocket socket) throws IOException {
        serve(BlockingConnection.of(socket), true);
    }

    /**
     * Serves one connection of any socket stack (the benchmarks run this handler on the JDK's
     * sockets too); the caller closes it afterwards.
     *
     * @throws java.net.SocketTimeoutException when the client took longer than a timeout allows
     * @throws IOException when the connection fails
     */
    public void handle(BlockingConnection socket) throws IOException {
        serve(socket, false);
    }

    /** As {@link #handle(BlockingConnection)}; with {@code directBodies}, large bodies go from native memory. */
    private void serve(BlockingConnection socket, boolean directBodies) throws IOException {
        byte[] in = new byte[MAX_HEAD];
        int start = 0; // the unparsed bytes are in[start, end)
        int end = 0;
        long bodyToSkip = 0;
        ByteBuffer out = ByteBuffer.allocate(16 * 1024);
        HttpParser parser = new HttpParser();
        TimedReader reads = new TimedReader(socket, timeouts);
        reads.requestBegun(); // the first request is due from the accept on
        while (true) {
            // Answer every complete request already read.
            while (true) {
                int skip = (int) Math.min(bodyToSkip, end - start); // bodies are read and dropped
                start += skip;
                bodyToSkip -= skip;
                if (bodyToSkip > 0) {
                    break;
                }
                if (skip > 0) {
                    reads.requestComplete(); // the last byte of a body
                }
                HttpRequest request;
                try {
                    request = parser.parse(in, start, end);
                } catch (BadRequestException e) {
                    respondAndClose(socket, out, 400, "Bad Request", e.getMessage());
                    return;
                }
                if (request == null) {
                    break;
                }
                start = parser.end();
                if (request.chunked()) {
                    respondAndClose(socket, out, 501, "Not Implemented", "Transfer-Encoding is not supported");
                    return;
                }
                if (out.remaining() < MAX_RESPONSE) {
                    flush(socket, out);
                }
                byte[] body = respond(request, out);
                if (body != null) { // too large for the buffer: the head and what came before, then the body
                    ByteBuffer b = directBodies && body == BIG ? BIG_DIRECT.duplicate() : ByteBuffer.wrap(body);
                    socket.write(out.flip(), b);
                    out.clear();
                }
                if (!request.keepAlive()) {
                    flush(socket, out);
                    lingeringClose(socket);
                    return;
                }
                bodyToSkip = request.contentLength();
                if (bodyToSkip == 0) {
                    reads.requestComplete();
                }
            }
            flush(socket, out); // one write for the whole batch
            // Keep the incomplete rest at the front of the buffer and read more.
            System.arraycopy(in, start, in, 0, end - start);
            end -= start;
            start = 0;
            if (end == in.length) {
                respondAndClose(socket, out, 431, "Request Header Fields Too Large",
                        "request head longer than " + MAX_HEAD + " bytes");
                return;
            }
            if (end > 0 || bodyToSkip > 0) {
                reads.requestBegun(); // from the first byte of a request on, its clock runs
            }
            int n;
            try {
                n = reads.read(in, end, in.length - end);
            } catch (SocketTimeoutException e) {
                // Part of a head came, too slowly: say so. A request already answered whose body
                // is late, or a request that never began, has nothing to be answered.
                if (end > 0) {
                    respondAndClose(socket, out, 408, "Request Timeout", e.getMessage());
                }
                throw e;
            }
            if (n < 0) {
                return;
            }
            end += n;
        }
    }

    /**
     * Puts the response to {@code request} into {@code out}; returns null, or a body to be written
     * after it that does not fit in {@code out} ({@code GET /big}'s).
     */
    private static byte[] respond(HttpRequest request, ByteBuffer out) {
        boolean get = request.method().equals("GET");
        if (!get && !request.method().equals("HEAD")) {
            out.put(METHOD_NOT_ALLOWED);
            endHead(request, out);
        } else if (request.path().equals("/")) {
            out.put(OK);
            endHead(request, out);
            if (get) {
                out.put(HELLO);
            }
        } else if (request.path().equals(BIG_PATH)) {
            out.put(BIG_OK);
            endHead(request, out);
            return get ? BIG : null;
        } else {
            out.put(NOT_FOUND);
            endHead(request, out);
        }
        return null;
    }

    /**
     * The body of {@code GET /big}, the same bytes in every server of the benchmarks:
     * {@link #BIG_LENGTH} bytes of text, 1,024 lines of 63 characters and a newline, line
     * {@code k}'s characters the 64 of {@code A-Za-z0-9+/} from the {@code k}-th on, round. Each
     * call makes a new array.
     */
    public static byte[] bigBody() {
        byte[] body = new byte[BIG_LENGTH];
        for (int i = 0; i < body.length; i++) {
            int line = i / 64;
            int column = i % 64;
            body[i] = column == 63 ? (byte) '\n' : (byte) BIG_ALPHABET.charAt((line + column) % 64);
        }
        return body;
    }

    private static void flush(BlockingConnection socket, ByteBuffer out) throws IOException {
        if (out.position() > 0) {
            socket.write(out.flip()); // writes all of it
            out.clear();
        }
    }

    /** Adds the Date and Connection fields and the empty line ending the head. */
    private static void endHead(HttpRequest request, ByteBuffer out) {
        out.put(DATE).put(HttpDate.now()).put(CRLF);
        if (!request.keepAlive()) {
            out.put(CONNECTION_CLOSE);
        } else if (request.http10()) {
            out.put(CONNECTION_KEEP_ALIVE);
        }
        out.put(CRLF);
    }

    /** Sends what is pending, then an error response with a short text body, then returns. */
    private static void respondAndClose(BlockingConnection socket, ByteBuffer out, int status, String reason, String detail)
            throws IOException {
        if (out.remaining() < MAX_RESPONSE) {
            flush(socket, out);
        }
        byte[] body = ascii(detail.substring(0, Math.min(detail.length(), 200)) + "\n");
        out.put(ascii(statusAndLength(status, reason, body.length)));
        out.put(DATE).put(HttpDate.now()).put(CRLF).put(CONNECTION_CLOSE).put(CRLF).put(body);
        flush(socket, out);
        lingeringClose(socket);
    }

    /**
     * Closing a socket with unread input makes the kernel send a reset, and a reset can make the
     * client drop the last response it has not read yet. So, as RFC 9112 section 9.6 advises, send
     * FIN first, then read and discard what the client still sends, for a bounded amount and time,
     * before the caller closes.
     */
    private static void lingeringClose(BlockingConnection socket) throws IOException {
        socket.shutdownOutput();
        socket.setReadTimeout(LINGER);
        byte[] discard = new byte[MAX_HEAD];
        try {
            for (int total = 0; total < MAX_LINGER_BYTES; ) {
                int n = socket.read(discard, 0, discard.length);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (SocketTimeoutException e) {
            // The client said nothing more, or not its FIN, for as long as we linger: close now.
        }
    }

    /** The status line, Content-Type and Content-Length. */
    private static String statusAndLength(int status, String reason, int contentLength) {
        return ("HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + contentLength + "\r\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
