package io.loomring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link EventFd}: a real eventfd, signalled and drained, awaited on both backends, closed once. */
class EventFdTest {
    @Test
    void isANonBlockingCloseOnExecEventfd() throws IOException {
        try (EventFd events = EventFd.open()) {
            assertEquals("anon_inode:[eventfd]", FdFlags.kind(events.fd()));
            assertEquals(FdFlags.O_NONBLOCK, FdFlags.flags(events.fd()) & FdFlags.O_NONBLOCK);
            assertEquals(FdFlags.O_CLOEXEC, FdFlags.flags(events.fd()) & FdFlags.O_CLOEXEC);
        }
    }

    @Test
    void signalsAddUpAndDrainResetsTheCounter() throws IOException {
        try (EventFd events = EventFd.open()) {
            assertEquals(0, events.drain(), "fresh counter: 0, not a block");
            events.signal();
            events.signal();
            events.signal(40);
            assertEquals(42, events.drain());
            assertEquals(0, events.drain());
            assertThrows(IllegalArgumentException.class, () -> events.signal(0));
            assertThrows(IllegalArgumentException.class, () -> events.signal(-1));
        }
    }

    @Test
    void aSignalThatWouldOverflowTheCounterFailsAndAddsNothing() throws IOException {
        try (EventFd events = EventFd.open()) {
            events.signal(Long.MAX_VALUE);
            events.signal(Long.MAX_VALUE); // 2^64 - 2: the kernel's maximum
            IOException full = assertThrows(IOException.class, events::signal);
            assertTrue(full.getMessage().contains("counter full"), full.getMessage());
            assertEquals("18446744073709551614", Long.toUnsignedString(events.drain()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aVirtualThreadAwaitingTheFdWakesOnASignalFromAnotherThread(Backend backend) throws Exception {
        TestBackends.assumeAvailable(backend);
        try (IoScheduler io = IoScheduler.builder().backend(backend).build(); EventFd events = EventFd.open()) {
            CompletableFuture<Long> got = CompletableFuture.supplyAsync(() -> {
                try {
                    long n;
                    while ((n = events.drain()) == 0) {
                        io.awaitReadable(events.fd());
                    }
                    return n;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, TestBackends.virtualThreads());
            await().atMost(Duration.ofSeconds(10)).until(() -> io.stats().armed() == 1);
            assertFalse(got.isDone());
            Thread.ofPlatform().start(() -> {
                try {
                    events.signal(3);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).join();
            assertEquals(3, got.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeReleasesTheFdOnceAndLaterCallsThrow() throws IOException {
        long before = Fds.openFdCount();
        EventFd events = EventFd.open();
        assertEquals(before + 1, Fds.openFdCount());
        events.close();
        assertEquals(before, Fds.openFdCount());
        assertFalse(events.isOpen());
        try (EventFd next = EventFd.open()) { // likely the same fd number
            events.close();
            assertThrows(ClosedChannelException.class, events::fd);
            assertThrows(ClosedChannelException.class, events::signal);
            assertThrows(ClosedChannelException.class, events::drain);
            assertEquals(0, next.drain(), "a closed EventFd reached the fd that reused its number");
            assertEquals(before + 1, Fds.openFdCount(), "the second close closed someone else's fd");
        }
        assertEquals(before, Fds.openFdCount());
    }

    @Test
    void signalsRacingCloseEitherLandOrThrowAndNeverReachAReusedFd() throws Exception {
        long before = Fds.openFdCount();
        for (int round = 0; round < 30; round++) {
            EventFd events = EventFd.open();
            AtomicLong landed = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> signallers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                signallers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (;;) {
                            events.signal();
                            landed.incrementAndGet();
                        }
                    } catch (ClosedChannelException expected) {
                        // closed under us: the only failure allowed
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            start.countDown();
            await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10)).until(() -> landed.get() > 100);
            events.close();
            // Opened while signals may still be in flight: none of them may land here.
            try (EventFd next = EventFd.open()) {
                for (Thread t : signallers) {
                    t.join(10_000);
                    assertFalse(t.isAlive());
                }
                assertEquals(0, next.drain(), "a signal to the closed EventFd landed on a new fd (round " + round + ")");
            }
        }
        assertEquals(before, Fds.openFdCount());
    }

    @Test
    void manyEventFdsLeakNothing() throws IOException {
        long before = Fds.openFdCount();
        for (int i = 0; i < 500; i++) {
            try (EventFd events = EventFd.open()) {
                events.signal();
            }
        }
        assertEquals(before, Fds.openFdCount());
    }
}
