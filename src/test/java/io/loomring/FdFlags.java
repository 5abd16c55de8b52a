package io.loomring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says about one of this process's fds: its kind and its open flags. */
final class FdFlags {
    private FdFlags() {}

    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;

    /** The link target of /proc/self/fd/N, such as {@code pipe:[123]} or {@code anon_inode:[eventfd]}. */
    static String kind(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    /** The {@code flags:} line of /proc/self/fdinfo/N (octal). */
    static int flags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new IllegalStateException("no flags line for fd " + fd);
    }

    /** True if /proc/self/fd/N exists. */
    static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
