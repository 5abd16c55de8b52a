package io.loomring.poller.uring;

/**
 * Whether a ring sends with {@code SEND_ZC}, and from how many bytes (see {@link ZeroCopySends}).
 *
 * @param enabled   sends that may go zero-copy do, where the kernel supports it
 * @param threshold the fewest bytes a send needs to go zero-copy; smaller ones take {@code SEND}
 */
public record SendZeroCopy(boolean enabled, int threshold) {
    /** The default threshold: below it, pinning pages and a second CQE cost more than a copy saves. */
    public static final int DEFAULT_THRESHOLD = 16 * 1024;
    /** Off: every send takes {@code SEND}. */
    public static final SendZeroCopy OFF = new SendZeroCopy(false, DEFAULT_THRESHOLD);

    /** @throws IllegalArgumentException unless {@code threshold} is at least 1 */
    public SendZeroCopy {
        if (threshold < 1) {
            throw new IllegalArgumentException("sendZeroCopyThreshold must be at least 1 byte: " + threshold);
        }
    }
}
