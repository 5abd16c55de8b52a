package io.loomring.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.IoScheduler;
import io.loomring.dns.Lookups.Caller;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolverProvider;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The provider as the JVM-wide resolver: it is registered by its service file, so in this JVM
 * every {@code InetAddress} lookup goes through it. Only carried threads' lookups run on the pool
 * (the counter moves for them alone), and every kind of thread gets the built-in resolver's
 * answers and exceptions. The platform thread's answer is the reference: its lookup calls the
 * built-in resolver directly, which the unmoved counter confirms.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResolverProviderTest {
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

    @Test
    void isTheFirstProviderTheServiceLoaderFinds() {
        InetAddressResolverProvider first = ServiceLoader.load(InetAddressResolverProvider.class).findFirst().orElseThrow();
        assertInstanceOf(LoomringResolverProvider.class, first);
        assertEquals("loomring", first.name());
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void localhostResolvesAsTheBuiltInResolverHasIt(Caller caller) throws Exception {
        List<String> expected = addresses(Lookups.on(Caller.PLATFORM, carriers,
                () -> InetAddress.getAllByName(Lookups.freshLocalhost())));
        assertTrue(expected.contains("127.0.0.1") || expected.contains("0:0:0:0:0:0:0:1"), expected.toString());

        String name = Lookups.freshLocalhost();
        long before = LoomringResolverProvider.offloadedLookups();
        InetAddress[] answer = Lookups.on(caller, carriers, () -> InetAddress.getAllByName(name));
        long offloaded = LoomringResolverProvider.offloadedLookups() - before;

        assertEquals(expected, addresses(answer));
        for (InetAddress a : answer) {
            assertEquals(name, a.getHostName(), "the name as asked");
        }
        // One lookup by InetAddress (its cache has never seen this spelling), on the pool only
        // for the carried thread: the count moving at all shows InetAddress uses the provider.
        assertEquals(caller == Caller.CARRIED ? 1 : 0, offloaded, caller + " lookups run on the pool");
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void anUnknownNameIsTheBuiltInResolversUnknownHostException(Caller caller) {
        // A new name each time: InetAddress caches failures too, by name.
        String reference = "no-such-host-" + System.nanoTime() + ".invalid";
        UnknownHostException expected = assertThrows(UnknownHostException.class,
                () -> Lookups.on(Caller.PLATFORM, carriers, () -> InetAddress.getByName(reference)));

        String name = "no-such-host-" + System.nanoTime() + ".invalid";
        long before = LoomringResolverProvider.offloadedLookups();
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> Lookups.on(caller, carriers, () -> InetAddress.getByName(name)));

        assertEquals(expected.getMessage().replace(reference, name), e.getMessage());
        assertEquals(caller == Caller.CARRIED ? 1 : 0, LoomringResolverProvider.offloadedLookups() - before);
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aReverseLookupFindsTheBuiltInResolversName(Caller caller) throws Exception {
        byte[] loopback = {127, 0, 0, 1};
        // Each new InetAddress asks the resolver again: the reverse answer is not cached by address.
        String expected = Lookups.on(Caller.PLATFORM, carriers, () -> InetAddress.getByAddress(loopback).getHostName());

        long before = LoomringResolverProvider.offloadedLookups();
        String name = Lookups.on(caller, carriers, () -> InetAddress.getByAddress(loopback).getHostName());
        long offloaded = LoomringResolverProvider.offloadedLookups() - before;

        // getHostName gives the address itself when a lookup fails, so a failed offload would show
        // here as a difference from the platform thread's answer.
        assertEquals(expected, name);
        if (caller == Caller.CARRIED) {
            // The reverse lookup, and the forward check of its answer unless that is cached.
            assertTrue(offloaded >= 1, "offloaded: " + offloaded);
        } else {
            assertEquals(0, offloaded);
        }
    }

    private static List<String> addresses(InetAddress[] answer) {
        return Arrays.stream(answer).map(InetAddress::getHostAddress).toList();
    }
}
