package io.loomring.bench.load;

import io.loomring.examples.http.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Prints exactly what a server answers to a fixed conversation, so the harness can check that
 * every stack sends the same bytes:
 * <ul>
 *   <li>{@code http PORT}: two pipelined {@code GET /} then one {@code GET /missing} on one
 *   keep-alive connection; the {@code Date} values are replaced by {@code <date>}.</li>
 *   <li>{@code http-status PORT}: the same conversation, but of each answer only its status line
 *   without the reason phrase, {@code Content-Type}, {@code Content-Length} and body: for
 *   frameworks, which choose their own other headers and their order, and whose reason phrase is
 *   theirs too (Tomcat sends none, which HTTP/1.1 allows).</li>
 *   <li>{@code big PORT}, {@code big-status PORT}: as {@code http} and {@code http-status}, but
 *   two pipelined {@code GET /big}, each body printed as its length and SHA-256 (and checked
 *   against {@link HttpHandler#bigBody()}: 200 and exactly those 65,536 bytes, or exit 1).</li>
 *   <li>{@code resp PORT}: PING, SET k v, GET k, DEL n, INCR n, pipelined.</li>
 * </ul>
 * Exits 1 when the answer is incomplete after five seconds.
 */
public final class Fetch {
    private static final String HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    private static final String HTTP_CONVERSATION =
            HTTP_REQUEST + HTTP_REQUEST + "GET /missing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    private static final String BIG_REQUEST = "GET " + HttpHandler.BIG_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    private static final String BIG_CONVERSATION = BIG_REQUEST + BIG_REQUEST;
    private static final String RESP_REQUEST = command("PING") + command("SET", "k", "v") + command("GET", "k")
            + command("DEL", "n") + command("INCR", "n");

    private Fetch() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Fetch http|http-status|big|big-status|resp PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            String answer = switch (args[0]) {
                case "http" -> http(s, HTTP_CONVERSATION, 3, false, false);
                case "http-status" -> http(s, HTTP_CONVERSATION, 3, true, false);
                case "big" -> http(s, BIG_CONVERSATION, 2, false, true);
                case "big-status" -> http(s, BIG_CONVERSATION, 2, true, true);
                case "resp" -> resp(s);
                default -> throw new IllegalArgumentException("http, http-status, big, big-status or resp: " + args[0]);
            };
            System.out.print(answer.replace("\r\n", "\\r\\n\n"));
        } catch (IOException e) {
            System.err.println("fetch: " + e);
            System.exit(1);
        }
    }

    /**
     * Sends {@code requests} at once and reads {@code responses} answers; with {@code big}, each
     * must be the large response, whose body is printed as its length and digest.
     */
    private static String http(Socket s, String requests, int responses, boolean statusOnly, boolean big)
            throws IOException {
        s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < responses; i++) {
            String head = readUntil(in, "\r\n\r\n");
            int length = 0;
            String type = null;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                    type = line.substring(13).trim();
                }
            }
            if (statusOnly) {
                String[] status = head.substring(0, head.indexOf("\r\n")).split(" ", 3); // version, code, reason
                all.append(status[0]).append(' ').append(status[1]).append("\r\n")
                        .append("Content-Type: ").append(type).append("\r\n")
                        .append("Content-Length: ").append(length).append("\r\n\r\n");
            } else {
                all.append(head.replaceAll("\r\nDate: [^\r\n]*", "\r\nDate: <date>"));
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("connection closed after " + body.length + " of " + length + " body bytes");
            }
            if (big) {
                checkBig(head, body);
                all.append("<").append(body.length).append(" bytes, SHA-256 ").append(sha256(body)).append(">\n");
            } else {
                all.append(new String(body, StandardCharsets.US_ASCII));
            }
        }
        return all.toString();
    }

    /** The large response must be a 200 with exactly the examples' body. */
    private static void checkBig(String head, byte[] body) throws IOException {
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException(HttpHandler.BIG_PATH + " answered '" + status + "'");
        }
        if (!Arrays.equals(body, HttpHandler.bigBody())) {
            throw new IOException(HttpHandler.BIG_PATH + " answered " + body.length + " body bytes (SHA-256 " + sha256(body)
                    + "), not the " + HttpHandler.BIG_LENGTH + " expected (SHA-256 " + sha256(HttpHandler.bigBody()) + ")");
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resp(Socket s) throws IOException {
        s.getOutputStream().write(RESP_REQUEST.getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        // +PONG, +OK, $1 v (two lines), :0 or :1, :1
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            all.append(readUntil(in, "\r\n"));
        }
        return all.toString();
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + buf.toString(StandardCharsets.US_ASCII));
            }
            buf.write(b);
            String text = buf.toString(StandardCharsets.US_ASCII);
            if (text.endsWith(end)) {
                return text;
            }
        }
    }

    private static String command(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
    }
}
