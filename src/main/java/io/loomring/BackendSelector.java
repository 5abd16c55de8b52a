package io.loomring;

import io.loomring.ffm.IoUringSyscalls;
import io.loomring.poller.EpollPoller;
import io.loomring.poller.IoUringPoller;
import io.loomring.poller.Poller;
import io.loomring.ring.IoUringUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Picks and starts a backend; AUTO tries io_uring and falls back to epoll, saying why. */
final class BackendSelector {
    private BackendSelector() {}

    static final int DEFAULT_ENTRIES = 256;
    static final Path IO_URING_DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    record Selection(Poller poller, Backend backend, String reason) {}

    static Selection select(Backend requested, int entries, IoUringSyscalls sys) {
        try {
            return switch (requested) {
                case EPOLL -> new Selection(start(new EpollPoller()), Backend.EPOLL, "requested");
                case IO_URING -> new Selection(start(new IoUringPoller(sys, entries)), Backend.IO_URING, "requested");
                case AUTO -> auto(entries, sys);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Loomring " + requested + " backend: "
                    + e.getMessage(), e);
        }
    }

    private static Selection auto(int entries, IoUringSyscalls sys) throws IOException {
        String sysctl = readSysctl();
        if ("2".equals(sysctl)) {
            return new Selection(start(new EpollPoller()), Backend.EPOLL,
                    "io_uring is disabled for everyone (kernel.io_uring_disabled=2)");
        }
        try {
            IoUringPoller p = new IoUringPoller(sys, entries);
            start(p);
            return new Selection(p, Backend.IO_URING, "io_uring available");
        } catch (IoUringUnavailableException e) {
            return new Selection(start(new EpollPoller()), Backend.EPOLL, e.getMessage());
        }
    }

    private static Poller start(Poller poller) throws IOException {
        poller.start();
        return poller;
    }

    private static String readSysctl() {
        try {
            return Files.readString(IO_URING_DISABLED).trim();
        } catch (IOException | SecurityException e) {
            return null; // before 6.6 the sysctl does not exist
        }
    }
}
