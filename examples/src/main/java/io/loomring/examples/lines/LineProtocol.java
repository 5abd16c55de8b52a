package io.loomring.examples.lines;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The line protocol both servers speak. Every line (ended by LF, an optional CR before it is
 * dropped) comes back upper-cased; {@code QUIT} gets {@code BYE} and ends the connection. A line
 * longer than {@link #MAX_LINE} bytes gets {@code ERR line too long} and the rest of it is skipped,
 * so memory stays bounded and the conversation goes on with the next line.
 *
 * <p>It only turns input bytes into output bytes. Waiting for those bytes is what the two servers
 * do differently, so this part is shared and the two server files differ only in their I/O.
 */
final class LineProtocol {
    /** The longest line accepted, without its terminator. */
    static final int MAX_LINE = 1024;

    private final ByteBuffer line = ByteBuffer.allocate(MAX_LINE);
    private boolean skipping; // inside a line that was too long
    private boolean finished;

    /**
     * Consumes {@code in} and appends the replies to {@code out}.
     *
     * @return false once the connection should close (after {@code out} is sent)
     */
    boolean process(ByteBuffer in, ByteArrayOutputStream out) {
        while (in.hasRemaining() && !finished) {
            byte b = in.get();
            if (b == '\n') {
                if (!skipping) {
                    answer(out);
                }
                skipping = false;
                line.clear();
            } else if (line.hasRemaining()) {
                line.put(b);
            } else if (!skipping) {
                out.writeBytes(ascii("ERR line too long\n"));
                skipping = true;
            }
        }
        return !finished;
    }

    private void answer(ByteArrayOutputStream out) {
        int length = line.position();
        if (length > 0 && line.get(length - 1) == '\r') {
            length--;
        }
        String text = new String(line.array(), 0, length, StandardCharsets.UTF_8);
        if (text.equals("QUIT")) {
            out.writeBytes(ascii("BYE\n"));
            finished = true;
        } else {
            out.writeBytes((text.toUpperCase(Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
