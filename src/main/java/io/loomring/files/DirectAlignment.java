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

    static void checkBuffer(ByteBuffer buffer, long address, int alignment) throws IOException {
        if (address % alignment != 0) {
            throw new IOException("Current location of the bytebuffer (" + buffer.position()
                    + ") is not a multiple of the block size (" + alignment + ")");
        }
    }
}
