package io.loomring;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.poller.Poller;
import io.loomring.poller.epoll.EpollBackend;
import io.loomring.poller.uring.IoUringBackend;
import io.loomring.poller.uring.RingLevers;
import io.loomring.ring.IoUringUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Picks and starts a backend. AUTO reads {@code kernel.io_uring_disabled}, tries io_uring, and
 * falls back to epoll when the sysctl forbids io_uring or the ring cannot be set up (ENOSYS,
 * EPERM, EACCES, EINVAL, ENOMEM, or a required feature missing); the reason says which. EPOLL never
 * touches io_uring (some seccomp policies kill the process on the first io_uring syscall).
 */
final class BackendSelector {
    private BackendSelector() {}

    static final int DEFAULT_ENTRIES = 256;
    static final Path IO_URING_DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    /**
     * The started pollers (one per carrier), the started sub-pollers (for ordinary virtual
     * threads), the backend they implement, and why it was chosen.
     */
    record Selection(List<Poller> pollers, List<Poller> subPollers, Backend backend, String reason) {
        Selection(List<Poller> pollers, Backend backend, String reason) {
            this(pollers, List.of(), backend, reason);
        }
    }

    /**
     * Starts {@code count} pollers of one backend (the first decides the backend, the others follow
     * it), then {@code subPollers} sub-pollers of the same backend, whose masters are the pollers
     * in turn; {@code cooperativeTaskRun} asks for COOP_TASKRUN on the sub-pollers' rings (see
     * {@link IoUringBackend}); {@code levers} says what every ring uses beyond plain requests
     * (SEND_ZC, registered files).
     *
     * @param requestedBy who asked for {@code requested}, for the reason text
     *                    (for example "loomring.backend=epoll")
     * @throws UncheckedIOException when the backend cannot start (AUTO: when neither can)
     */
    static Selection select(Backend requested, String requestedBy, int entries, IoUringSyscalls uring,
                            EpollSyscalls epoll, int count, int subPollers, boolean cooperativeTaskRun,
                            RingLevers levers) {
        return select(requested, requestedBy, entries, uring, epoll, count, subPollers, cooperativeTaskRun,
                levers, null);
    }

    /**
     * As above, the sub-pollers' virtual threads scheduled by {@code subPollerScheduler} (a test
     * seam), or by the JDK's default scheduler when it is null.
     */
    static Selection select(Backend requested, String requestedBy, int entries, IoUringSyscalls uring,
                            EpollSyscalls epoll, int count, int subPollers, boolean cooperativeTaskRun,
                            RingLevers levers, Executor subPollerScheduler) {
        Selection first = selectOne(requested, requestedBy, entries, uring, epoll, levers);
        boolean ioUring = first.backend() == Backend.IO_URING;
        List<Poller> pollers = new ArrayList<>(first.pollers());
        List<Poller> subs = new ArrayList<>();
        try {
            for (int i = 1; i < count; i++) {
                pollers.add(start(new Poller(ioUring ? new IoUringBackend(uring, entries, false, levers)
                        : new EpollBackend(epoll), i)));
            }
            for (int i = 0; i < subPollers; i++) {
                Poller master = pollers.get(i % pollers.size());
                subs.add(start(new Poller(ioUring
                        ? new IoUringBackend(uring, entries, cooperativeTaskRun, levers)
                        : new EpollBackend(epoll), i, master, subPollerScheduler)));
            }
        } catch (IOException | RuntimeException e) {
            subs.forEach(Poller::close); // before their masters, which wake them
            pollers.forEach(Poller::close);
            throw new UncheckedIOException("cannot start " + count + " Loomring " + first.backend()
                    + " carriers and " + subPollers + " sub-pollers: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        return new Selection(List.copyOf(pollers), List.copyOf(subs), first.backend(), first.reason());
    }

    private static Selection selectOne(Backend requested, String requestedBy, int entries, IoUringSyscalls uring,
                                       EpollSyscalls epoll, RingLevers levers) {
        try {
            return switch (requested) {
                case EPOLL -> new Selection(List.of(start(new Poller(new EpollBackend(epoll), 0))), Backend.EPOLL,
                        "requested by " + requestedBy + "; io_uring not probed");
                case IO_URING -> ioUring(uring, entries, levers, "requested by " + requestedBy);
                case AUTO -> auto(entries, uring, epoll, levers);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Loomring " + requested + " backend: "
                    + e.getMessage(), e);
        }
    }

    private static Selection ioUring(IoUringSyscalls uring, int entries, RingLevers levers, String reason)
            throws IOException {
        IoUringBackend backend = new IoUringBackend(uring, entries, false, levers);
        Poller poller = start(new Poller(backend, 0));
        return new Selection(List.of(poller), Backend.IO_URING, reason + " (" + backend.describe() + ")");
    }

    private static Selection auto(int entries, IoUringSyscalls uring, EpollSyscalls epoll, RingLevers levers)
            throws IOException {
        String sysctl = readSysctl();
        if ("2".equals(sysctl)) {
            return new Selection(List.of(start(new Poller(new EpollBackend(epoll), 0))), Backend.EPOLL,
                    "AUTO fell back: io_uring is disabled for everyone (kernel.io_uring_disabled=2)");
        }
        try {
            return ioUring(uring, entries, levers, "AUTO: io_uring available");
        } catch (IoUringUnavailableException e) {
            String why = e.getMessage();
            if ("1".equals(sysctl)) {
                why += " (kernel.io_uring_disabled=1 allows only privileged users)";
            }
            return new Selection(List.of(start(new Poller(new EpollBackend(epoll), 0))), Backend.EPOLL, "AUTO fell back: " + why);
        }
    }

    private static Poller start(Poller poller) throws IOException {
        poller.start();
        return poller;
    }

    private static String readSysctl() {
        // java.io, not java.nio.file: under Loomring's file system provider a Files read would open
        // a ring channel, on the very scheduler being built here.
        try (FileInputStream in = new FileInputStream(IO_URING_DISABLED.toString())) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException | SecurityException e) {
            return null; // before 6.6 the sysctl does not exist
        }
    }
}
