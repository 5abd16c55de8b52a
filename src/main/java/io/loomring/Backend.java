package io.loomring;

/**
 * The kernel interface a scheduler waits with.
 */
public enum Backend {
    /** io_uring where the kernel allows it, epoll otherwise. */
    AUTO,
    /** io_uring oneshot polls (Linux 5.11+ with NODROP, SINGLE_MMAP and EXT_ARG). */
    IO_URING,
    /** epoll with oneshot arming. */
    EPOLL;

    /**
     * Parses a name such as {@code auto}, {@code io_uring} or {@code epoll} (case-insensitive,
     * {@code iouring} and {@code io-uring} accepted).
     *
     * @param name the backend's name, for example the value of {@code loomring.backend}
     * @return the backend it names
     * @throws IllegalArgumentException for anything else
     */
    public static Backend parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "auto", "" -> AUTO;
            case "io_uring", "iouring", "uring" -> IO_URING;
            case "epoll" -> EPOLL;
            default -> throw new IllegalArgumentException(
                    "unknown backend '" + name + "' (expected auto, io_uring or epoll)");
        };
    }
}
