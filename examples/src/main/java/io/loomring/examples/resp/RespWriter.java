package io.loomring.examples.resp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Collects RESP2 replies so that a pipeline of commands is answered with one write.
 */
final class RespWriter {
    /** Replies are sent once this many bytes are pending, so big pipelines stay bounded. */
    static final int FLUSH_THRESHOLD = 64 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};

    private ByteBuffer out = ByteBuffer.allocate(FLUSH_THRESHOLD);

    /** {@code +OK}-style status reply. */
    void simple(String status) {
        line('+', status);
    }

    /** {@code -ERR ...} error reply; {@code message} starts with the error code. */
    void error(String message) {
        line('-', message);
    }

    /** {@code :42} integer reply. */
    void integer(long value) {
        line(':', Long.toString(value));
    }

    /** {@code $-1} null bulk reply. */
    void nullBulk() {
        line('$', "-1");
    }

    /** {@code $n} bulk string reply. */
    void bulk(byte[] value) {
        line('$', Integer.toString(value.length));
        ensure(value.length + 2);
        out.put(value).put(CRLF);
    }

    /** {@code *n} array header; the n elements follow. */
    void arrayHeader(int count) {
        line('*', Integer.toString(count));
    }

    /** Whether enough is pending to send it before answering more commands. */
    boolean isFull() {
        return out.position() >= FLUSH_THRESHOLD;
    }

    /** Writes every pending reply to {@code channel}. */
    void flushTo(WritableByteChannel channel) throws IOException {
        out.flip();
        while (out.hasRemaining()) { // one pass for a Loomring socket, which writes all of it
            channel.write(out);
        }
        // Drop a buffer that grew for a big bulk reply.
        out = out.capacity() > FLUSH_THRESHOLD ? ByteBuffer.allocate(FLUSH_THRESHOLD) : out.clear();
    }

    private void line(char type, String text) {
        ensure(text.length() + 3);
        out.put((byte) type).put(text.getBytes(StandardCharsets.ISO_8859_1)).put(CRLF);
    }

    private void ensure(int room) {
        if (out.remaining() < room) { // only a big bulk reply gets here
            ByteBuffer bigger = ByteBuffer.allocate(out.position() + room);
            out = bigger.put(out.flip());
        }
    }
}
