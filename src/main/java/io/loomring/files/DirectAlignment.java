package io.loomring.files;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The rules of {@code ExtendedOpenOption.DIRECT} (O_DIRECT), with the JDK's messages: the channel
 * position, the buffer's address and its remaining bytes are multiples of the file's alignment.
 * The kernel would answer a misaligned call with a bare EINVAL; these say what is wrong.
 */
final class DirectAlignment {
    private DirectAlignment() {}

    static void checkPosition(long position, int alignment) throws IOException {
        if (position % alignment != 0) {
            throw new IOException("Channel position (" + position + ") is not a multiple of the block size ("
                    + alignment + ")");
        }
    }

    static void checkRemaining(int remaining, int alignment) throws IOException {
        if (remaining % alignment != 0) {
            throw new IOException("Number of remaining bytes (" + remaining + ") is not a multiple of the block size ("
                    + alignment + ")");
        }
    }

    /**
     * A buffer's checks, in the JDK's order: a direct buffer's position in memory, then its
     * remaining bytes (a heap buffer is bounced through an aligned block, so only its size counts).
     */
    static void checkBuffer(ByteBuffer buffer, int alignment) throws IOException {
        if (buffer.isDirect()) {
            int offset = buffer.alignmentOffset(buffer.position(), alignment);
            if (offset != 0) {
                throw new IOException("Current position of the bytebuffer (" + buffer.position()
                        + ") is not a multiple of the block size (" + alignment + "): alignment offset = " + offset);
            }
        }
        checkRemaining(buffer.remaining(), alignment);
    }
}
