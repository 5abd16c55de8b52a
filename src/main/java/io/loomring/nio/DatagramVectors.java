package io.loomring.nio;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Scattering reads and gathering writes of {@link LoomringDatagramChannel}, through one array: a
 * datagram is read or written whole or not at all, so the buffers are one datagram's bytes, never
 * one datagram per buffer.
 */
final class DatagramVectors {
    private DatagramVectors() {}

    /** Room for any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6). */
    private static final int MAX_DATAGRAM = 65_536;

    /**
     * An array as large as the room left in {@code dsts[offset..offset+length)}, at most one
     * datagram.
     *
     * @throws IllegalArgumentException if one of them is read-only
     */
    static byte[] scatterArray(ByteBuffer[] dsts, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        long room = 0;
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
            room += dsts[i].remaining();
        }
        return new byte[(int) Math.min(room, MAX_DATAGRAM)];
    }

    /** Puts the first {@code n} bytes of {@code from} into the buffers in turn. */
    static void scatter(byte[] from, int n, ByteBuffer[] dsts, int offset, int length) {
        int at = 0;
        for (int i = offset; i < offset + length && at < n; i++) {
            int step = Math.min(dsts[i].remaining(), n - at);
            dsts[i].put(from, at, step);
            at += step;
        }
    }

    /**
     * The remaining bytes of {@code srcs[offset..offset+length)}, in one array; the buffers'
     * positions stay (they move by what is sent). Past any UDP payload the array stops: the
     * kernel refuses such a datagram (EMSGSIZE) as it would the whole.
     */
    static byte[] gather(ByteBuffer[] srcs, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        byte[] all = new byte[(int) Math.min(total, 2L * MAX_DATAGRAM)];
        int at = 0;
        for (int i = offset; i < offset + length && at < all.length; i++) {
            int step = Math.min(srcs[i].remaining(), all.length - at);
            srcs[i].get(srcs[i].position(), all, at, step);
            at += step;
        }
        return all;
    }
}
