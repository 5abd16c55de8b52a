package io.loomring.nio;

/**
 * What a Loomring selector needs of a channel registered with it; every channel of
 * {@link LoomringSelectorProvider} implements it, itself or through {@link Delegating} (each is
 * also an {@link java.nio.channels.spi.AbstractSelectableChannel} of that provider).
 *
 * <p>The fd's life: a channel's close first drops the fd from every selector's kernel set
 * ({@link ChannelKeys#dropAll()}), then closes it; so a selector never sees events of a later
 * fd that reused the number as this channel's.
 */
interface SelectableFd {
    /** The fd number; valid while the channel is open. */
    int fdValue();

    /**
     * The {@code poll(2)} events ({@code io.loomring.ffm.Poll}) to wait for, for the
     * {@link java.nio.channels.SelectionKey} interest set {@code ops} (a subset of the channel's
     * {@code validOps()}).
     */
    int pollEvents(int ops);

    /**
     * The {@link java.nio.channels.SelectionKey} ready set for the {@code poll(2)} events
     * {@code revents} the kernel reported, limited to {@code interestOps}, as the JDK's channels
     * translate them (an error or hang-up makes every interest op ready; {@code OP_CONNECT} only
     * while a connect is pending).
     */
    int readyOps(int revents, int interestOps);

    /** The registrations of this channel with selectors, which its close drops first. */
    ChannelKeys keys();

    /**
     * A channel whose selectable side is another object's (a pipe end's, shared by the source and
     * the sink, which extend different JDK classes): it names that object, and the rest follows.
     */
    interface Delegating extends SelectableFd {
        /** The object that holds the fd and answers for this channel. */
        SelectableFd selectable();

        @Override
        default int fdValue() {
            return selectable().fdValue();
        }

        @Override
        default int pollEvents(int ops) {
            return selectable().pollEvents(ops);
        }

        @Override
        default int readyOps(int revents, int interestOps) {
            return selectable().readyOps(revents, interestOps);
        }

        @Override
        default ChannelKeys keys() {
            return selectable().keys();
        }
    }
}
