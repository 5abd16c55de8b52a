package io.loomring.dns;

import io.loomring.poller.BlockingPool;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * A resolver that calls another (the JDK's built-in one) either on the calling thread or, where
 * its {@link OffloadPolicy} says so, on {@link BlockingPool#shared()} while the caller parks.
 * Answers and exceptions are the delegate's own, unwrapped.
 */
final class OffloadingResolver implements InetAddressResolver {
    /** Lookups run on the pool, by every instance (for tests and observability). */
    private static final LongAdder OFFLOADED = new LongAdder();

    private final InetAddressResolver delegate;
    private final OffloadPolicy policy;

    OffloadingResolver(InetAddressResolver delegate, OffloadPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    static long offloaded() {
        return OFFLOADED.sum();
    }

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException {
        if (!policy.offloadsCurrentThread()) {
            return delegate.lookupByName(host, lookupPolicy);
        }
        OFFLOADED.increment();
        // Collected on the pool thread: a delegate's stream may be lazy, and the caller walking it
        // would then do the blocking work on the carrier after all. The built-in one's is not.
        List<InetAddress> addresses = BlockingPool.shared().callOnPool(
                () -> delegate.lookupByName(host, lookupPolicy).toList());
        return addresses.stream();
    }

    @Override
    public String lookupByAddress(byte[] addr) throws UnknownHostException {
        if (!policy.offloadsCurrentThread()) {
            return delegate.lookupByAddress(addr);
        }
        OFFLOADED.increment();
        return BlockingPool.shared().callOnPool(() -> delegate.lookupByAddress(addr));
    }

    @Override
    public String toString() {
        return "OffloadingResolver[" + policy + ", " + delegate + "]";
    }
}
