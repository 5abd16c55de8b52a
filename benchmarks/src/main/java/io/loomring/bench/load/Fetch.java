package io.loomring.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

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
 *   <li>{@code resp PORT}: PING, SET k v, GET k, DEL n, INCR n, pipelined.</li>
 * </ul>
 * Exits 1 when the answer is incomplete after five seconds.
 */
public final class Fetch {
    private static final String HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    private static final String RESP_REQUEST = command("PING") + command("SET", "k", "v") + command("GET", "k")
            + command("DEL", "n") + command("INCR", "n");

    private Fetch() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Fetch http|http-status|resp PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            String answer = switch (args[0]) {
                case "http" -> http(s, false);
                case "http-status" -> http(s, true);
                case "resp" -> resp(s);
                default -> throw new IllegalArgumentException("http, http-status or resp: " + args[0]);
            };
            System.out.print(answer.replace("\r\n", "\\r\\n\n"));
        } catch (IOException e) {
            System.err.println("fetch: " + e);
            System.exit(1);
        }
    }

    private static String http(Socket s, boolean statusOnly) throws IOException {
        s.getOutputStream().write((HTTP_REQUEST + HTTP_REQUEST + "GET /missing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 3; i++) {
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
            all.append(new String(in.readNBytes(length), StandardCharsets.US_ASCII));
        }
        return all.toString();
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
