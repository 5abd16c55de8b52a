package io.loomring.poller.uring;

/**
 * What the io_uring backend puts in a request's {@code user_data}: {@code generation << 32 | slot}
 * for a request of a {@link SlotTable} slot, or one of the backend's own tags. Generations use 31
 * bits, so bit 63 is clear for slots and set for tags, and a completion tells which it is by sign.
 */
public final class UserData {
    private UserData() {}

    /** The wakeup eventfd's READ. */
    public static final long TAG_WAKEUP = 0x8000_0000_0000_0001L;
    /** POLL_REMOVE and ASYNC_CANCEL requests (their own CQEs carry nothing the backend needs). */
    public static final long TAG_REMOVE = 0x8000_0000_0000_0002L;
    /** The POLL_ADD on the fallback epoll set's fd. */
    public static final long TAG_EPOLL = 0x8000_0000_0000_0003L;
    /** The bits a generation may use. */
    static final int GENERATION_MASK = 0x7FFF_FFFF;

    /** The user_data naming {@code slot} at {@code generation}. */
    public static long of(int slot, int generation) {
        return ((long) generation << 32) | (slot & 0xFFFF_FFFFL);
    }

    /** True for one of the backend's tags, false for a slot's user_data. */
    public static boolean isTag(long userData) {
        return userData < 0;
    }

    /** The slot of a slot's user_data. */
    static int slot(long userData) {
        return (int) userData;
    }

    /** The generation of a slot's user_data. */
    static int generation(long userData) {
        return (int) (userData >>> 32);
    }
}
