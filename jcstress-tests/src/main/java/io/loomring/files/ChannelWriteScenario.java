package io.loomring.files;

import io.loomring.IoStatus;
import io.loomring.ffm.Errno;
import io.loomring.jcstress.sim.BoundedJoin;
import io.loomring.poller.Completion;
import io.loomring.poller.RingOperation;
import io.loomring.ring.RingConstants;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One positional write of a Loomring file channel, run through the channel's own protocol
 * ({@link LoomringFileChannel#run}: the fd's in-flight count, {@code begin}/{@code end} and the
 * interrupt that closes the channel, {@link FileFd#close}), with a simulated kernel under it: a
 * virtual thread writes 16 bytes; the kernel completes the {@code WRITE} once, with the bytes or,
 * if a cancel came first, with {@code -ECANCELED}. The cancel comes from the writer's own interrupt
 * ({@link RingOperation#awaitCompletion}) and from the channel's close ({@link FileFd}'s cancel step).
 *
 * <p>This class sits in the library's package (a split package on the class path) to reach the
 * channel's package-private protocol. {@link #naiveClose()} is the broken twin's close: it closes the
 * fd number at once, as a close that ignored calls in flight would.
 */
public final class ChannelWriteScenario {
    /** {@link #join} result when the writer did not return. */
    public static final int HUNG = -1;
    public static final int BYTES = 16;
    private static final int FD = 10;
    private static final int IN_FLIGHT = 0;
    private static final int COMPLETED = 1;
    private static final int CANCELLED = 2;
    private static final int MAX_REAP_DELAY = 128;

    private final int reapDelay = ThreadLocalRandom.current().nextInt(MAX_REAP_DELAY + 1);
    private final AtomicInteger kernel = new AtomicInteger(IN_FLIGHT);
    private final AtomicInteger closes = new AtomicInteger();
    private final LoomringFileChannel channel;
    private final Thread writer;
    private volatile RingOperation op;
    private volatile boolean fdClosed;
    private volatile int written;
    private volatile boolean writtenAfterClose;
    private volatile long told;
    private volatile int ended = HUNG;

    public ChannelWriteScenario() {
        FileFd fd = new FileFd(FD, false, false, false, null, n -> cancel(), n -> closed());
        channel = new LoomringFileChannel(fd, OpenFlags.of(Set.of(StandardOpenOption.WRITE)), Path.of("/simulated"),
                new FileLocks.FileKey(0, System.identityHashCode(this)), 0);
        writer = Thread.ofVirtual().start(this::write);
    }

    public Thread writer() {
        return writer;
    }

    /** The kernel: completes the write with its bytes unless the cancel came first. */
    public void kernelCompletes() {
        RingOperation w;
        while ((w = op) == null) {
            if (!writer.isAlive()) {
                return; // the writer never started its write (closed before it entered)
            }
            Thread.onSpinWait();
        }
        if (kernel.compareAndSet(IN_FLIGHT, COMPLETED)) {
            writtenAfterClose = fdClosed; // a write through a closed (maybe reused) fd number
            written = BYTES;
            for (int i = 0; i < reapDelay; i++) {
                Thread.onSpinWait();
            }
            w.completeOperation(BYTES);
        }
    }

    /** The broken twin's close: the fd number goes at once, then the cancel. */
    public void naiveClose() {
        closed();
        cancel();
    }

    /** Waits (bounded) for the writer; 1 when it ended with an exception, 0 without, or {@link #HUNG}. */
    public int join() {
        return BoundedJoin.ended(writer) ? ended : HUNG;
    }

    /** Bytes the caller was told of (the buffer's position moves by these). */
    public int told() {
        return (int) told;
    }

    public int written() {
        return written;
    }

    /** Times the fd number was closed. */
    public int closes() {
        return closes.get();
    }

    public boolean writtenAfterClose() {
        return writtenAfterClose;
    }

    private void write() {
        int threw = 0;
        try {
            channel.run(this::submitAndAwait, n -> told += Math.max(0, n));
        } catch (ClosedChannelException e) {
            threw = 1; // interrupted (ClosedByInterruptException), or closed before or during the write
        } catch (IOException e) {
            threw = 2;
        }
        // The channel closes when interrupted; close it anyway, as a caller's try-with-resources does.
        try {
            channel.close();
        } catch (IOException e) {
            threw = 2;
        }
        ended = threw;
    }

    private long submitAndAwait() {
        RingOperation w = RingOperation.ofCurrentThread(FD, RingConstants.OP_WRITE, 0L, BYTES, 0L, 0);
        op = w;
        int s = w.awaitCompletion(Completion.NO_TIMEOUT, ignored -> cancel());
        if (s != Completion.READY) {
            return IoStatus.CLOSED;
        }
        return w.result() == -Errno.ECANCELED ? IoStatus.CANCELLED : w.result();
    }

    /** ASYNC_CANCEL: takes effect only while the write has not completed. */
    private void cancel() {
        RingOperation w = op;
        if (w != null && kernel.compareAndSet(IN_FLIGHT, CANCELLED)) {
            w.completeOperation(-Errno.ECANCELED);
        }
    }

    private void closed() {
        fdClosed = true;
        closes.incrementAndGet();
    }
}
