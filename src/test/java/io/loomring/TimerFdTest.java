package io.loomring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link TimerFd}: a real timerfd, armed, awaited on both backends, disarmed, closed once. */
class TimerFdTest {
    @Test
    void isANonBlockingCloseOnExecTimerfdThatStartsDisarmed() throws IOException {
        try (TimerFd timer = TimerFd.open()) {
            assertEquals("anon_inode:[timerfd]", FdFlags.kind(timer.fd()));
            assertEquals(FdFlags.O_NONBLOCK, FdFlags.flags(timer.fd()) & FdFlags.O_NONBLOCK);
            assertEquals(FdFlags.O_CLOEXEC, FdFlags.flags(timer.fd()) & FdFlags.O_CLOEXEC);
            assertEquals(0, timer.drain(), "disarmed: 0, not a block");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aOneShotTimerMakesTheFdReadableOnce(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build(); TimerFd timer = TimerFd.open()) {
            timer.schedule(Duration.ofMillis(20));
            assertTrue(io.awaitReadable(timer.fd(), Duration.ofSeconds(10)), "timer never fired");
            assertEquals(1, timer.drain());
            assertEquals(0, timer.drain());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aPeriodicTimerKeepsFiringAndCountsMissedTicks(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build(); TimerFd timer = TimerFd.open()) {
            timer.schedule(Duration.ofMillis(5), Duration.ofMillis(5));
            long ticks = 0;
            int wakeups = 0;
            while (ticks < 10) {
                assertTrue(io.awaitReadable(timer.fd(), Duration.ofSeconds(10)), "timer stopped after " + ticks);
                ticks += timer.drain();
                wakeups++;
            }
            assertTrue(wakeups <= ticks, wakeups + " wakeups for " + ticks + " ticks");
            timer.disarm();
            timer.drain();
        }
    }

    @Test
    void disarmStopsAPendingTimer() throws Exception {
        try (IoScheduler io = IoScheduler.builder().backend(Backend.AUTO).build(); TimerFd timer = TimerFd.open()) {
            timer.schedule(Duration.ofMillis(30));
            timer.disarm();
            // Armed, it would fire at 30 ms: ten times that without a wakeup shows the disarm.
            assertFalse(io.awaitReadable(timer.fd(), Duration.ofMillis(300)), "disarmed timer fired");
            assertEquals(0, timer.drain());
        }
    }

    @Test
    void badDurationsAreRejected() throws IOException {
        try (TimerFd timer = TimerFd.open()) {
            assertThrows(IllegalArgumentException.class, () -> timer.schedule(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> timer.schedule(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class,
                    () -> timer.schedule(Duration.ofMillis(1), Duration.ofMillis(-1)));
            assertThrows(NullPointerException.class, () -> timer.schedule(null));
            assertThrows(ArithmeticException.class, () -> timer.schedule(Duration.ofSeconds(Long.MAX_VALUE)));
        }
    }

    @Test
    void closeReleasesTheFdOnceAndLaterCallsThrow() throws IOException {
        long before = Fds.openFdCount();
        TimerFd timer = TimerFd.open();
        timer.schedule(Duration.ofHours(1));
        assertEquals(before + 1, Fds.openFdCount());
        timer.close();
        timer.close();
        assertEquals(before, Fds.openFdCount());
        assertThrows(ClosedChannelException.class, timer::fd);
        assertThrows(ClosedChannelException.class, timer::drain);
        assertThrows(ClosedChannelException.class, () -> timer.schedule(Duration.ofSeconds(1)));
        assertThrows(ClosedChannelException.class, timer::disarm);
        for (int i = 0; i < 300; i++) {
            TimerFd.open().close();
        }
        assertEquals(before, Fds.openFdCount());
    }
}
