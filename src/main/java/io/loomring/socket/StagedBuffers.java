package io.loomring.socket;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A gathering write whose buffers mix heap and direct memory, sent with one {@code sendmsg}: the
 * heap buffers' bytes are copied into native memory the socket keeps for this, the direct buffers
 * are sent from where they are. What a framework commonly writes, a heap head before a large
 * direct body, then leaves in one call and one stream of segments, without copying the body.
 * Under the socket's write lock, inside an operation (its memory is the socket's).
 */
final class StagedBuffers {
    /** The most heap bytes a write stages; a write with more goes one buffer after the other. */
    static final int LIMIT = 16 * 1024;
    private static final int MIN_STAGE = 1024;

    private final SocketFd fd;
    private MemorySegment stage;

    StagedBuffers(SocketFd fd) {
        this.fd = fd;
    }

    /** The heap bytes remaining in {@code buffers[from..to)}. */
    static long heapRemaining(ByteBuffer[] buffers, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            if (!buffers[i].isDirect()) {
                n += buffers[i].remaining();
            }
        }
        return n;
    }

    /**
     * Buffers to send in place of {@code buffers[from..to)}: each heap one a direct view of its
     * bytes copied into the stage, each direct one itself. Send them, then {@link #advance}.
     *
     * @param heapBytes {@link #heapRemaining} of the same buffers, at most {@link #LIMIT}
     */
    ByteBuffer[] stage(ByteBuffer[] buffers, int from, int to, int heapBytes) {
        stage = fd.memory().grow(stage, heapBytes, MIN_STAGE); // nothing in flight uses it: sendmsg returned
        ByteBuffer[] sent = new ByteBuffer[to - from];
        long at = 0;
        for (int i = from; i < to; i++) {
            ByteBuffer b = buffers[i];
            if (b.isDirect()) {
                sent[i - from] = b;
                continue;
            }
            int n = b.remaining();
            MemorySegment copy = stage.asSlice(at, n);
            MemorySegment.copy(MemorySegment.ofBuffer(b), 0, copy, 0, n); // positions move only by what is sent
            sent[i - from] = copy.asByteBuffer();
            at += n;
        }
        return sent;
    }

    /** After the send: moves each heap buffer on by what was sent of its copy. */
    static void advance(ByteBuffer[] buffers, int from, int to, ByteBuffer[] sent) {
        for (int i = from; i < to; i++) {
            if (!buffers[i].isDirect()) {
                buffers[i].position(buffers[i].position() + sent[i - from].position());
            }
        }
    }
}
