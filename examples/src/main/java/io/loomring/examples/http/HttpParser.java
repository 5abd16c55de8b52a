package io.loomring.examples.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses HTTP/1.x request heads (RFC 9112) straight from the connection's input buffer. It looks
 * only at what the server needs: the request line and the Connection, Content-Length,
 * Transfer-Encoding and Host fields. Lines end with CRLF; a bare LF is accepted too.
 */
final class HttpParser {
    /** Body sizes above this are refused rather than read and discarded. */
    static final long MAX_CONTENT_LENGTH = 1 << 20;

    /** A request head that cannot be parsed: answered with 400 and the connection closed. */
    static final class BadRequestException extends Exception {
        BadRequestException(String message) {
            super(message, null, false, false);
        }
    }

    private static final byte[] GET_BYTES = ascii("GET");
    private static final byte[] HEAD_BYTES = ascii("HEAD");
    private static final byte[] HTTP_11 = ascii("HTTP/1.1");
    private static final byte[] HTTP_10 = ascii("HTTP/1.0");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] HOST = ascii("host");

    /** The position just after the last head returned by {@link #parse}. */
    private int end;

    /**
     * Parses the request head starting at {@code buf[from]}, if all of it is in
     * {@code buf[from, to)}.
     *
     * @return the request, or {@code null} when the head is not complete yet
     * @throws BadRequestException if the head is malformed
     */
    HttpRequest parse(byte[] buf, int from, int to) throws BadRequestException {
        int p = from;
        // RFC 9112 2.2: ignore empty lines before the request line.
        while (true) {
            int lineEnd = lineEnd(buf, p, to);
            if (lineEnd < 0) {
                return null;
            }
            if (contentEnd(buf, p, lineEnd) != p) {
                break;
            }
            p = lineEnd + 1;
        }
        int requestLineEnd = lineEnd(buf, p, to);
        int requestLineStop = contentEnd(buf, p, requestLineEnd);
        int firstSpace = indexOf(buf, p, requestLineStop, (byte) ' ');
        int secondSpace = indexOf(buf, firstSpace + 1, requestLineStop, (byte) ' ');
        if (firstSpace <= p || secondSpace <= firstSpace + 1) {
            throw new BadRequestException("malformed request line");
        }
        // The common values are matched as bytes and answered with constants: a request head
        // costs no String unless it holds something unusual.
        String method = method(buf, p, firstSpace);
        String target = target(buf, firstSpace + 1, secondSpace);
        boolean http10;
        if (equalsAscii(buf, secondSpace + 1, requestLineStop, HTTP_11)) {
            http10 = false;
        } else if (equalsAscii(buf, secondSpace + 1, requestLineStop, HTTP_10)) {
            http10 = true;
        } else {
            throw new BadRequestException("unsupported version '" + ascii(buf, secondSpace + 1, requestLineStop) + "'");
        }

        boolean close = false;
        boolean keepAlive = false;
        boolean chunked = false;
        long contentLength = -1;
        int hosts = 0;
        p = requestLineEnd + 1;
        while (true) {
            int lineEnd = lineEnd(buf, p, to);
            if (lineEnd < 0) {
                return null;
            }
            int stop = contentEnd(buf, p, lineEnd);
            if (stop == p) { // the empty line ending the head
                end = lineEnd + 1;
                break;
            }
            if (buf[p] == ' ' || buf[p] == '\t') {
                throw new BadRequestException("obsolete line folding");
            }
            int colon = indexOf(buf, p, stop, (byte) ':');
            if (colon <= p) {
                throw new BadRequestException("malformed header field");
            }
            checkToken(buf, p, colon, "field name");
            if (equalsIgnoreCaseAscii(buf, p, colon, CONNECTION)) {
                for (String option : value(buf, colon, stop).split(",")) {
                    close |= option.strip().equalsIgnoreCase("close");
                    keepAlive |= option.strip().equalsIgnoreCase("keep-alive");
                }
            } else if (equalsIgnoreCaseAscii(buf, p, colon, CONTENT_LENGTH)) {
                long length = contentLength(value(buf, colon, stop));
                if (contentLength >= 0 && contentLength != length) {
                    throw new BadRequestException("conflicting Content-Length fields");
                }
                contentLength = length;
            } else if (equalsIgnoreCaseAscii(buf, p, colon, TRANSFER_ENCODING)) {
                chunked = true;
            } else if (equalsIgnoreCaseAscii(buf, p, colon, HOST)) {
                hosts++;
            }
            p = lineEnd + 1;
        }
        if (!http10 && hosts != 1) {
            throw new BadRequestException("HTTP/1.1 needs exactly one Host field");
        }
        if (chunked && contentLength >= 0) {
            throw new BadRequestException("both Transfer-Encoding and Content-Length");
        }
        return new HttpRequest(method, target, http10 ? keepAlive && !close : !close, http10,
                Math.max(0, contentLength), chunked);
    }

    /** The position just after the head last returned by {@link #parse}. */
    int end() {
        return end;
    }

    private static long contentLength(String value) throws BadRequestException {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequestException("malformed Content-Length");
        }
        long length = Long.parseLong(value);
        if (length > MAX_CONTENT_LENGTH) {
            throw new BadRequestException("body too large");
        }
        return length;
    }

    /** The index of the LF ending the line at {@code from}, or -1. */
    private static int lineEnd(byte[] buf, int from, int to) {
        return indexOf(buf, from, to, (byte) '\n');
    }

    /** The end of a line's content: its LF, or the CR before it. */
    private static int contentEnd(byte[] buf, int from, int lf) {
        return lf > from && buf[lf - 1] == '\r' ? lf - 1 : lf;
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The method token; GET and HEAD as constants. */
    private static String method(byte[] buf, int from, int to) throws BadRequestException {
        checkToken(buf, from, to, "method");
        if (equalsAscii(buf, from, to, GET_BYTES)) {
            return "GET";
        }
        if (equalsAscii(buf, from, to, HEAD_BYTES)) {
            return "HEAD";
        }
        return ascii(buf, from, to);
    }

    /** The request target: visible ASCII only; {@code /} as a constant. */
    private static String target(byte[] buf, int from, int to) throws BadRequestException {
        for (int i = from; i < to; i++) {
            int c = buf[i] & 0xff;
            if (c <= ' ' || c >= 0x7f) {
                throw new BadRequestException("malformed request target");
            }
        }
        if (to - from == 1 && buf[from] == '/') {
            return "/";
        }
        return ascii(buf, from, to);
    }

    /** A field's value: what follows the colon up to the line's end, without surrounding whitespace. */
    private static String value(byte[] buf, int colon, int stop) {
        return ascii(buf, colon + 1, stop).strip();
    }

    /** A token (RFC 9110 5.6.2): visible ASCII without delimiters. */
    private static void checkToken(byte[] buf, int from, int to, String what) throws BadRequestException {
        for (int i = from; i < to; i++) {
            int c = buf[i];
            if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw new BadRequestException("malformed " + what);
            }
        }
    }

    /** True when {@code buf[from, to)} holds exactly the ASCII bytes {@code s}. */
    private static boolean equalsAscii(byte[] buf, int from, int to, byte[] s) {
        return Arrays.equals(buf, from, to, s, 0, s.length);
    }

    /**
     * True when {@code buf[from, to)} is {@code lower} with ASCII letters in either case (field
     * names are tokens, so ASCII case folding is all there is).
     */
    private static boolean equalsIgnoreCaseAscii(byte[] buf, int from, int to, byte[] lower) {
        if (to - from != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int c = buf[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] buf, int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
