package io.loomring.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RESP2 client over a JDK socket. Replies decode to: {@link Status} (+), {@link Error}
 * (-), {@link Long} (:), {@link String} or {@code null} (bulk), {@link List} (array).
 */
final class RespClient implements AutoCloseable {
    /** A simple-string reply such as {@code +OK}. */
    record Status(String text) {}

    /** An error reply such as {@code -ERR unknown command}. */
    record Error(String text) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one command as a multi-bulk array and reads its reply. */
    Object call(String... args) throws IOException {
        send(encode(args));
        return read();
    }

    /** The multi-bulk encoding of a command. */
    static byte[] encode(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one reply. */
    Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by the server");
        }
        String line = line();
        return switch (type) {
            case '+' -> new Status(line);
            case '-' -> new Error(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] data = in.readNBytes(length);
                if (data.length != length || in.read() != '\r' || in.read() != '\n') {
                    throw new IOException("bad bulk string");
                }
                yield new String(data, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                List<Object> elements = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    elements.add(read());
                }
                yield elements;
            }
            default -> throw new IOException("unknown reply type '" + (char) type + "'");
        };
    }

    /** How long a read waits for the server before it fails with a SocketTimeoutException (30 s at first). */
    void setSoTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** True once the server has closed the connection (reads EOF). */
    boolean isClosedByServer() throws IOException {
        return in.read() == -1;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\r'; ) {
            if (c < 0) {
                throw new EOFException("EOF inside a reply line");
            }
            b.write(c);
        }
        if (in.read() != '\n') {
            throw new IOException("reply line not ended by CRLF");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
