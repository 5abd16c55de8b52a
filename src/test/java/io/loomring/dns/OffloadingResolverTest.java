package io.loomring.dns;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Fds;
import io.loomring.IoScheduler;
import io.loomring.OnThread;
import io.loomring.dns.Lookups.Caller;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The resolver over a delegate of the test's own: on which thread the delegate runs for each
 * policy and caller, that its answers and exceptions come through as they were, and that a carrier
 * keeps running its other threads while one of them waits for a lookup that blocks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffloadingResolverTest {
    private static final LookupPolicy IPV4 = LookupPolicy.of(LookupPolicy.IPV4);

    private static IoScheduler carriers;

    @BeforeAll
    static void open() {
        carriers = Lookups.oneCarrier();
    }

    @AfterAll
    static void close() {
        if (carriers != null) {
            carriers.close();
        }
    }

    /** Records the thread it is called on, and the thread that walks its (lazy) answer. */
    private static final class Recording implements InetAddressResolver {
        volatile Thread calledOn;
        volatile Thread walkedOn;

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) {
            calledOn = Thread.currentThread();
            return Stream.of(host).map(h -> {
                walkedOn = Thread.currentThread();
                return address(h);
            });
        }

        @Override
        public String lookupByAddress(byte[] addr) {
            calledOn = Thread.currentThread();
            return "host-" + addr[3];
        }
    }

    @ParameterizedTest
    @EnumSource(OffloadPolicy.class)
    void theDelegateRunsOnThePoolExactlyWhereThePolicySays(OffloadPolicy policy) throws Exception {
        for (Caller caller : Caller.values()) {
            boolean pool = switch (policy) {
                case CARRIED -> caller == Caller.CARRIED;
                case VIRTUAL -> caller != Caller.PLATFORM;
                case OFF -> false;
            };
            Recording delegate = new Recording();
            OffloadingResolver resolver = new OffloadingResolver(delegate, policy);

            Thread[] caller1 = new Thread[1];
            List<InetAddress> answer = Lookups.on(caller, carriers, () -> {
                caller1[0] = Thread.currentThread();
                return resolver.lookupByName("a.example", IPV4).toList();
            });
            assertEquals(List.of(address("a.example")), answer);
            String where = policy + ", " + caller;
            if (pool) {
                assertTrue(delegate.calledOn.getName().startsWith("loomring-blocking-"), where + ": " + delegate.calledOn);
                // The answer was collected there too: the caller never runs the delegate's code.
                assertSame(delegate.calledOn, delegate.walkedOn, where);
            } else {
                assertSame(caller1[0], delegate.calledOn, where);
            }

            String host = Lookups.on(caller, carriers, () -> {
                caller1[0] = Thread.currentThread();
                return resolver.lookupByAddress(new byte[] {10, 0, 0, 7});
            });
            assertEquals("host-7", host);
            assertEquals(pool, delegate.calledOn != caller1[0], where + ": reverse lookup on " + delegate.calledOn);
        }
    }

    @Test
    void aCarriedCallerGetsTheDelegatesOwnExceptions() {
        UnknownHostException unknown = new UnknownHostException("b.example: Name or service not known");
        IllegalArgumentException badAddress = new IllegalArgumentException("Invalid address length");
        OffloadingResolver resolver = new OffloadingResolver(new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                throw unknown;
            }

            @Override
            public String lookupByAddress(byte[] addr) {
                throw badAddress;
            }
        }, OffloadPolicy.CARRIED);

        assertSame(unknown, assertThrows(UnknownHostException.class,
                () -> Lookups.on(Caller.CARRIED, carriers, () -> resolver.lookupByName("b.example", IPV4))));
        assertSame(badAddress, assertThrows(IllegalArgumentException.class,
                () -> Lookups.on(Caller.CARRIED, carriers, () -> resolver.lookupByAddress(new byte[3]))));
    }

    /**
     * A delegate that blocks its OS thread in read(2) on a blocking pipe, as getaddrinfo does
     * waiting for a DNS server, until the test writes to the pipe.
     */
    private static final class Blocking implements InetAddressResolver, AutoCloseable {
        final int[] pipe = Fds.blockingPipe();
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) {
            entered.countDown();
            Fds.read(pipe[0], 8);
            return Stream.of(address(host));
        }

        @Override
        public String lookupByAddress(byte[] addr) {
            throw new UnsupportedOperationException();
        }

        void release() {
            Fds.write(pipe[1], 8);
        }

        @Override
        public void close() {
            Fds.close(pipe);
        }
    }

    @Test
    void theCarrierRunsItsOtherThreadsWhileALookupBlocks() throws Exception {
        // One carrier: the ticking thread and the looking-up thread share it.
        AtomicLong ticks = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (Blocking delegate = new Blocking()) {
            OffloadingResolver resolver = new OffloadingResolver(delegate, OffloadPolicy.CARRIED);
            CompletableFuture<Long> ticker = OnThread.start(carriers.threadFactory(), () -> {
                while (!stop.get()) {
                    ticks.incrementAndGet();
                    Thread.sleep(1);
                }
                return ticks.get();
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() > 0);

            CompletableFuture<List<InetAddress>> lookup = OnThread.start(carriers.threadFactory(),
                    () -> resolver.lookupByName("slow.example", IPV4).toList());
            boolean released = false;
            try {
                assertTrue(delegate.entered.await(10, TimeUnit.SECONDS), "the lookup reached the delegate");
                long during = ticks.get();
                await("the carrier runs the ticking thread while the lookup blocks")
                        .atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= during + 20);
                assertFalse(lookup.isDone(), "the lookup still waits for the delegate");
                delegate.release();
                released = true;
                assertEquals(List.of(address("slow.example")), OnThread.get(lookup));
            } finally {
                if (!released) {
                    delegate.release(); // lets a carrier blocked in the delegate go, so close() ends
                }
                stop.set(true);
            }
            OnThread.get(ticker);
        }
    }

    @Test
    void anInterruptedCallerWaitsForTheLookupAndKeepsItsInterrupt() throws Exception {
        try (Blocking delegate = new Blocking()) {
            OffloadingResolver resolver = new OffloadingResolver(delegate, OffloadPolicy.CARRIED);
            AtomicReference<Thread> caller = new AtomicReference<>();
            CompletableFuture<Boolean> lookup = OnThread.start(carriers.threadFactory(), () -> {
                caller.set(Thread.currentThread());
                Thread.currentThread().interrupt();
                List<InetAddress> answer = resolver.lookupByName("c.example", IPV4).toList();
                assertEquals(List.of(address("c.example")), answer);
                return Thread.currentThread().isInterrupted();
            });
            assertTrue(delegate.entered.await(10, TimeUnit.SECONDS));
            // The caller, interrupted, parks until the lookup ends (an interrupted park would spin).
            await("the interrupted caller parks").atMost(Duration.ofSeconds(10))
                    .until(() -> caller.get().getState() == Thread.State.WAITING);
            assertFalse(lookup.isDone());
            delegate.release();
            assertTrue(OnThread.get(lookup), "interrupt status kept");
        }
    }

    @Test
    void thePropertyNamesOneOfThreePolicies() {
        assertEquals(OffloadPolicy.CARRIED, OffloadPolicy.parse(null));
        assertEquals(OffloadPolicy.CARRIED, OffloadPolicy.parse("carried"));
        assertEquals(OffloadPolicy.VIRTUAL, OffloadPolicy.parse("virtual"));
        assertEquals(OffloadPolicy.OFF, OffloadPolicy.parse("off"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OffloadPolicy.parse("Carried"));
        assertTrue(e.getMessage().startsWith("loomring.resolver "), e.getMessage());
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByAddress(host, new byte[] {10, 0, 0, 1}); // no lookup: the address is given
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
