package io.loomring.poller.uring;

/**
 * The kernel levers a scheduler's rings use beyond plain requests, besides the socket modes the
 * routes carry: {@code SEND_ZC} for large sends, registered files for the sockets a carrier
 * serves ({@link FixedFiles}), and incremental consumption of the multishot receives' provided
 * buffers ({@link ProvidedBuffers}).
 *
 * @param sendZeroCopy       whether (and from how many bytes) sends go as {@code SEND_ZC}
 * @param fixedFileSlots     registered-file slots per carrier ring; 0 turns registered files off
 * @param incrementalBuffers the kernel fills each provided buffer a receive at a time, where it can
 */
public record RingLevers(SendZeroCopy sendZeroCopy, int fixedFileSlots, boolean incrementalBuffers) {
    /** The default slots per carrier ring: the sockets one carrier commonly serves at once. */
    public static final int DEFAULT_FIXED_FILE_SLOTS = 4096;
    /** The most slots a ring takes (the kernel's limit, {@code IORING_MAX_FIXED_FILES}). */
    public static final int MAX_FIXED_FILE_SLOTS = 1 << 20;
    /** No lever. */
    public static final RingLevers OFF = new RingLevers(SendZeroCopy.OFF, 0, false);

    /** @throws IllegalArgumentException unless {@code fixedFileSlots} is in [0, 2^20] */
    public RingLevers {
        if (fixedFileSlots < 0 || fixedFileSlots > MAX_FIXED_FILE_SLOTS) {
            throw new IllegalArgumentException("fixedFileSlots must be in [0, 1048576]: " + fixedFileSlots);
        }
    }

    /**
     * What the system properties ask for: {@code loomring.sendZeroCopy},
     * {@code loomring.sendZeroCopyThreshold}, {@code loomring.fixedFiles},
     * {@code loomring.fixedFileSlots} and {@code loomring.incrementalReceiveBuffers}.
     */
    public static RingLevers fromSystemProperties() {
        SendZeroCopy zeroCopy = new SendZeroCopy("true".equals(System.getProperty("loomring.sendZeroCopy", "false")),
                Integer.getInteger("loomring.sendZeroCopyThreshold", SendZeroCopy.DEFAULT_THRESHOLD));
        return new RingLevers(zeroCopy, fixedFileSlotsFromSystemProperties(), incrementalBuffersFromSystemProperties());
    }

    /** Whether {@code loomring.incrementalReceiveBuffers=true} asks for incremental provided buffers. */
    public static boolean incrementalBuffersFromSystemProperties() {
        return Boolean.getBoolean("loomring.incrementalReceiveBuffers");
    }

    /**
     * The registered-file slots {@code loomring.fixedFiles} and {@code loomring.fixedFileSlots}
     * ask for: 0 unless {@code loomring.fixedFiles=true}.
     */
    public static int fixedFileSlotsFromSystemProperties() {
        return "true".equals(System.getProperty("loomring.fixedFiles", "false"))
                ? Integer.getInteger("loomring.fixedFileSlots", DEFAULT_FIXED_FILE_SLOTS) : 0;
    }
}
