package io.loomring.poller.uring;

import io.loomring.poller.GenerationKey;

/**
 * What the io_uring backend puts in a request's {@code user_data}: the {@link GenerationKey} of a
 * {@link SlotTable} slot, or one of the backend's own tags below (bit 63 set), so a completion tells
 * which it is by sign.
 */
public final class UserData {
    private UserData() {}

    /** The wakeup eventfd's READ. */
    public static final long TAG_WAKEUP = 0x8000_0000_0000_0001L;
    /** POLL_REMOVE and ASYNC_CANCEL requests (their own CQEs carry nothing the backend needs). */
    public static final long TAG_REMOVE = 0x8000_0000_0000_0002L;
    /** The POLL_ADD on the fallback epoll set's fd. */
    public static final long TAG_EPOLL = 0x8000_0000_0000_0003L;

    /** The user_data naming {@code slot} at {@code generation}. */
    public static long of(int slot, int generation) {
        return GenerationKey.of(slot, generation);
    }

    /** True for one of the backend's tags, false for a slot's user_data. */
    public static boolean isTag(long userData) {
        return GenerationKey.isTag(userData);
    }

    /** The slot of a slot's user_data. */
    static int slot(long userData) {
        return GenerationKey.index(userData);
    }

    /** The generation of a slot's user_data. */
    static int generation(long userData) {
        return GenerationKey.generation(userData);
    }
}
