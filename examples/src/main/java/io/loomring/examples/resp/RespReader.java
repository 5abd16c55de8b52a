package io.loomring.examples.resp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a client's byte stream into commands: RESP2 multi-bulk arrays of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline commands ({@code GET k\r\n}). Buffers one
 * partial command at most, and never more than {@link #MAX_BUFFER} bytes.
 */
final class RespReader {
    /** The largest bulk string accepted. */
    static final int MAX_BULK = 512 * 1024;
    /** The most arguments one command may have. */
    static final int MAX_ARGS = 1024;
    /** The longest inline command accepted. */
    static final int MAX_INLINE = 64 * 1024;
    /** The input buffer's limit: one command must fit. */
    static final int MAX_BUFFER = 1024 * 1024;

    /** Longest header line: '*' or '$', a sign, 19 digits. */
    private static final int MAX_HEADER_LINE = 21;

    private byte[] buf = new byte[16 * 1024];
    private int start; // unparsed input is buf[start, end)
    private int end;

    /**
     * Reads more input from {@code channel}, first making room behind the unparsed bytes.
     *
     * @return the bytes read, or -1 at end of stream
     * @throws RespProtocolException if one command does not fit in {@link #MAX_BUFFER}
     */
    int fill(ReadableByteChannel channel) throws IOException, RespProtocolException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            if (buf.length == MAX_BUFFER) {
                throw new RespProtocolException("command larger than " + MAX_BUFFER + " bytes");
            }
            buf = Arrays.copyOf(buf, Math.min(MAX_BUFFER, buf.length * 2));
        }
        int n = channel.read(ByteBuffer.wrap(buf, end, buf.length - end));
        if (n > 0) {
            end += n;
        }
        return n;
    }

    /** True when part of a command is buffered: {@link #next} needs more input to return it. */
    boolean hasPartial() {
        return start < end;
    }

    /**
     * Takes the next complete command from the buffered input.
     *
     * @return its arguments (empty for a blank inline line), or {@code null} if more input is needed
     * @throws RespProtocolException on input that cannot be parsed
     */
    List<byte[]> next() throws RespProtocolException {
        if (start == end) {
            return null;
        }
        return buf[start] == '*' ? multiBulk() : inline();
    }

    private List<byte[]> multiBulk() throws RespProtocolException {
        int p = start;
        int crlf = headerEnd(p, "multibulk length");
        if (crlf < 0) {
            return null;
        }
        long count = number(p + 1, crlf, "invalid multibulk length");
        if (count > MAX_ARGS) {
            throw new RespProtocolException("invalid multibulk length");
        }
        p = crlf + 2;
        List<byte[]> args = new ArrayList<>((int) Math.max(0, count));
        for (int i = 0; i < count; i++) {
            if (p == end) {
                return null;
            }
            if (buf[p] != '$') {
                int c = buf[p] & 0xff;
                throw new RespProtocolException("expected '$', got "
                        + (c > ' ' && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c)));
            }
            crlf = headerEnd(p, "bulk length");
            if (crlf < 0) {
                return null;
            }
            long length = number(p + 1, crlf, "invalid bulk length");
            if (length < 0 || length > MAX_BULK) {
                throw new RespProtocolException("invalid bulk length");
            }
            p = crlf + 2;
            if (end - p < length + 2) {
                return null;
            }
            int stop = p + (int) length;
            if (buf[stop] != '\r' || buf[stop + 1] != '\n') {
                throw new RespProtocolException("bulk string not followed by CRLF");
            }
            args.add(Arrays.copyOfRange(buf, p, stop));
            p = stop + 2;
        }
        start = p; // "*0" and "*-1" are consumed and yield no command, like in Redis
        return args;
    }

    private List<byte[]> inline() throws RespProtocolException {
        int lf = indexOf((byte) '\n', start, end);
        if (lf < 0) {
            if (end - start > MAX_INLINE) {
                throw new RespProtocolException("too big inline request");
            }
            return null;
        }
        int stop = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
        List<byte[]> args = new ArrayList<>();
        for (int p = start; p < stop; ) {
            if (buf[p] == ' ' || buf[p] == '\t') {
                p++;
                continue;
            }
            int wordEnd = p;
            while (wordEnd < stop && buf[wordEnd] != ' ' && buf[wordEnd] != '\t') {
                wordEnd++;
            }
            args.add(Arrays.copyOfRange(buf, p, wordEnd));
            p = wordEnd;
        }
        start = lf + 1;
        return args;
    }

    /** The CR of the header line at {@code p}, or -1 if it is not complete yet. */
    private int headerEnd(int p, String what) throws RespProtocolException {
        int cr = indexOf((byte) '\r', p, Math.min(end, p + MAX_HEADER_LINE + 1));
        if (cr < 0 || cr + 1 == end) {
            if (end - p > MAX_HEADER_LINE + 1) {
                throw new RespProtocolException("invalid " + what);
            }
            return -1;
        }
        if (buf[cr + 1] != '\n') {
            throw new RespProtocolException("invalid " + what);
        }
        return cr;
    }

    /** Parses the signed decimal in buf[from, to). */
    private long number(int from, int to, String error) throws RespProtocolException {
        boolean negative = from < to && buf[from] == '-';
        int p = negative ? from + 1 : from;
        if (p == to || to - p > 18) {
            throw new RespProtocolException(error);
        }
        long value = 0;
        for (; p < to; p++) {
            int digit = buf[p] - '0';
            if (digit < 0 || digit > 9) {
                throw new RespProtocolException(error);
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
