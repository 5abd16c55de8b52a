package io.loomring.nio;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedByInterruptException;

/**
 * The JDK's rule for interrupts, in one place for every channel of this package: an interrupted
 * thread that calls, or is blocked in, an operation that may block closes the channel and gets
 * {@link ClosedByInterruptException}, its interrupt status still set.
 *
 * <p>The close runs on the interrupted thread itself, after its operation has left the fd (the
 * socket core reports the interrupt as {@code ClosedByInterruptException} once the wait ended).
 * It never runs inside {@code Thread.interrupt()}, so an interrupter never waits for the thread it
 * interrupts.
 */
final class ChannelInterrupts {
    private ChannelInterrupts() {}

    /**
     * Before an operation that may block: an interrupted thread closes {@code channel} and gets
     * {@link ClosedByInterruptException}, even when the operation would not have waited.
     */
    static void beforeBlocking(Channel channel) throws ClosedByInterruptException {
        if (Thread.currentThread().isInterrupted()) {
            closeQuietly(channel);
            throw new ClosedByInterruptException();
        }
    }

    /**
     * After an operation failed with {@code e}: an interrupt closes {@code channel} (whose fd the
     * core may already have closed). Returns {@code e}, for {@code throw ChannelInterrupts.after(ch, e)}.
     */
    static IOException after(Channel channel, IOException e) {
        if (e instanceof ClosedByInterruptException) {
            closeQuietly(channel);
        }
        return e;
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the channel is closed either way
        }
    }
}
