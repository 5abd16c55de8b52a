package io.loomring.socket;

import io.loomring.ffm.LibC;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Arrays;

/**
 * The native memory one socket owns: the buffers through which heap arrays reach the ring (see
 * {@link RingSocketIo}, {@link WriteBehind}) and the iovec tables of vectored calls. It is freed
 * when the socket closes, once no operation is in flight and so the kernel is done with it: a
 * server that closes a thousand connections gives their buffers back then, not at the next GC.
 *
 * <p>Blocks come from {@code malloc}: an arena per socket would free its memory only at its own
 * close (a shared arena's close costs a handshake with every thread) or at a GC (an automatic one).
 * A socket dropped without being closed still frees its blocks, through a {@link Cleaner} that runs
 * once the socket's {@link SocketFd} is unreachable.
 *
 * <p>Blocks are taken inside operations, under the socket's read or write lock, so two threads may
 * take them at once; the block list has a lock of its own.
 */
public final class SocketMemory {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Object owner;
    private final Blocks blocks = new Blocks();
    private Cleaner.Cleanable cleanable;

    /** Memory freed at the latest when {@code owner} is unreachable. */
    public SocketMemory(Object owner) {
        this.owner = owner;
    }

    /** A new block of {@code size} bytes. */
    public MemorySegment allocate(long size) {
        long address = LibC.malloc(size);
        synchronized (blocks) {
            blocks.add(address);
            if (cleanable == null) {
                cleanable = CLEANER.register(owner, blocks);
            }
        }
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    /**
     * {@code block} when it holds {@code needed} bytes; else a new block of the next power of two
     * that does (at least {@code least} bytes), {@code block} freed (no request may use it any
     * more). A buffer grown so stays as small as the socket's largest use: many connections that
     * only ever move short messages keep short buffers.
     *
     * @param block the block to grow, or null
     */
    public MemorySegment grow(MemorySegment block, long needed, long least) {
        if (block != null && block.byteSize() >= needed) {
            return block;
        }
        if (block != null) {
            free(block);
        }
        return allocate(Math.max(least, Long.highestOneBit(Math.max(1, needed - 1)) << 1));
    }

    /** Frees one block before the socket closes (one that no request uses any more). */
    public void free(MemorySegment block) {
        boolean owned;
        synchronized (blocks) {
            owned = blocks.remove(block.address());
        }
        if (owned) {
            LibC.free(block.address());
        }
    }

    /**
     * The socket closed with no operation in flight: frees every block now when the kernel is done
     * with them ({@code kernelDone}); else (the scheduler closed under operations it may not have
     * reaped) leaves them to the cleaner, which frees them once the socket is unreachable.
     */
    public void release(boolean kernelDone) {
        Cleaner.Cleanable c;
        synchronized (blocks) {
            c = cleanable;
        }
        if (kernelDone && c != null) {
            c.clean();
        }
    }

    /** Blocks held now, for tests. */
    public long blockCount() {
        synchronized (blocks) {
            return blocks.count;
        }
    }

    /** The addresses of the blocks held; as the cleaner's action it frees them all, once. */
    private static final class Blocks implements Runnable {
        private long[] addresses = new long[4];
        private int count;

        void add(long address) {
            if (count == addresses.length) {
                addresses = Arrays.copyOf(addresses, count * 2);
            }
            addresses[count++] = address;
        }

        boolean remove(long address) {
            for (int i = 0; i < count; i++) {
                if (addresses[i] == address) {
                    addresses[i] = addresses[--count];
                    return true;
                }
            }
            return false;
        }

        @Override
        public void run() {
            long[] taken;
            int n;
            synchronized (this) {
                taken = addresses;
                n = count;
                count = 0;
            }
            for (int i = 0; i < n; i++) {
                LibC.free(taken[i]);
            }
        }
    }
}
