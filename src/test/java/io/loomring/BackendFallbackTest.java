package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.ffm.Errno;
import io.loomring.ring.IoUringUnavailableException;
import io.loomring.ring.RingConstants;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way io_uring can be unavailable, injected through the syscall layer: AUTO must pick epoll
 * and say why, an explicit IO_URING must fail with a clear message, EPOLL must not probe at all.
 */
class BackendFallbackTest {
    private final FaultySyscalls.Uring sys = new FaultySyscalls.Uring();

    @ParameterizedTest
    @ValueSource(ints = {Errno.ENOSYS, Errno.EPERM, Errno.EACCES, Errno.EINVAL, Errno.ENOMEM})
    void autoFallsBackToEpollWhenSetupFails(int errno) throws Exception {
        assumeSysctlLetsAutoProbe();
        sys.setupErrno = errno;
        try (IoScheduler io = IoScheduler.builder().syscalls(sys).build()) {
            assertEquals(Backend.EPOLL, io.backend());
            assertTrue(io.backendReason().contains(errnoName(errno)), io.backendReason());
            assertTrue(io.backendReason().contains("io_uring_setup"), io.backendReason());
            assertServes(io);
        }
        assertTrue(sys.setupCalls.get() >= 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {Errno.ENOSYS, Errno.EPERM, Errno.EACCES, Errno.EINVAL, Errno.ENOMEM})
    void explicitIoUringFailsWithAClearMessage(int errno) {
        sys.setupErrno = errno;
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> IoScheduler.builder().backend(Backend.IO_URING).syscalls(sys).build().close());
        assertTrue(e.getMessage().contains("IO_URING"), e.getMessage());
        assertTrue(e.getMessage().contains("io_uring_setup failed: " + errnoName(errno)), e.getMessage());
        IoUringUnavailableException cause = assertInstanceOf(IoUringUnavailableException.class, e.getCause());
        assertEquals(errno, cause.errno());
    }

    @ParameterizedTest
    @ValueSource(ints = {RingConstants.FEAT_SINGLE_MMAP, RingConstants.FEAT_NODROP, RingConstants.FEAT_EXT_ARG})
    void autoFallsBackToEpollWhenARequiredFeatureIsMissing(int feature) throws Exception {
        assumeSysctlLetsAutoProbe();
        TestBackends.assumeAvailable(Backend.IO_URING); // the real setup must succeed first
        sys.keepFeatures = ~feature;
        long fdsBefore = Fds.openFdCount();
        try (IoScheduler io = IoScheduler.builder().syscalls(sys).build()) {
            assertEquals(Backend.EPOLL, io.backend());
            assertTrue(io.backendReason().contains("lacks required features"), io.backendReason());
            assertServes(io);
        }
        // The ring the real setup created was closed when its features were found lacking.
        assertEquals(fdsBefore, Fds.openFdCount());
    }

    @Test
    void epollNeverProbesIoUring() throws Exception {
        try (IoScheduler io = IoScheduler.builder().backend(Backend.EPOLL).syscalls(sys).build()) {
            assertEquals(Backend.EPOLL, io.backend());
            assertTrue(io.backendReason().contains("not probed"), io.backendReason());
            assertServes(io);
        }
        assertEquals(0, sys.setupCalls.get());
    }

    @Test
    void oneLogLinePerSchedulerSaysWhichBackendAndWhy() {
        assumeSysctlLetsAutoProbe();
        Logger logger = Logger.getLogger("io.loomring");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().contains("scheduler uses")) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Level oldLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
        try {
            sys.setupErrno = Errno.EPERM;
            IoScheduler.builder().syscalls(sys).build().close();
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(oldLevel);
        }
        assertEquals(1, records.size(), records.toString());
        LogRecord r = records.get(0);
        assertEquals(Level.FINE, r.getLevel()); // System.Logger DEBUG: built schedulers are not news
        String text = new SimpleFormatter().formatMessage(r);
        assertTrue(text.contains("EPOLL") && text.contains("EPERM"), text);
    }

    private static void assertServes(IoScheduler io) throws Exception {
        int[] p = Fds.pipe();
        try {
            assertFalse(io.awaitReadable(p[0], Duration.ofMillis(20)));
            Fds.write(p[1], 1);
            assertTrue(io.awaitReadable(p[0], Duration.ofSeconds(5)));
        } finally {
            Fds.close(p);
        }
    }

    private static String errnoName(int errno) {
        return Errno.describe(errno).split(" ")[0];
    }

    /** With kernel.io_uring_disabled=2, AUTO rightly picks epoll before calling setup at all. */
    static void assumeSysctlLetsAutoProbe() {
        Assumptions.assumeFalse("2".equals(sysctl()), "kernel.io_uring_disabled=2: AUTO does not probe");
    }

    static String sysctl() {
        try {
            return Files.readString(BackendSelector.IO_URING_DISABLED).trim();
        } catch (Exception e) {
            return null;
        }
    }
}
