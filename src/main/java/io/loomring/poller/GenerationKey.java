package io.loomring.poller;

/**
 * The 64-bit word a backend hands the kernel with each request and gets back with its completion
 * (io_uring's user_data, epoll's data word): {@code generation << 32 | index}, the index naming a
 * slot or an fd, the generation telling a current request from an earlier one at the same index.
 * Generations use 31 bits, so bit 63 is clear for every key and free to mark a backend's own tags.
 */
public final class GenerationKey {
    private GenerationKey() {}

    private static final int GENERATION_MASK = 0x7FFF_FFFF;

    /** The key naming {@code index} at {@code generation}. */
    public static long of(int index, int generation) {
        return ((long) generation << 32) | (index & 0xFFFF_FFFFL);
    }

    /** The index half of a key. */
    public static int index(long key) {
        return (int) key;
    }

    /** The generation half of a key. */
    public static int generation(long key) {
        return (int) (key >>> 32);
    }

    /** The generation after {@code generation} (wrapping within 31 bits). */
    public static int next(int generation) {
        return (generation + 1) & GENERATION_MASK;
    }

    /** True for a word with bit 63 set: a backend's own tag, never a key. */
    public static boolean isTag(long word) {
        return word < 0;
    }
}
