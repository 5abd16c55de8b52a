package io.loomring.dns;

import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;

/**
 * The JVM-wide name resolver that keeps lookups off Loomring's carriers. {@code InetAddress}
 * lookups ({@code getByName}, {@code getAllByName}, {@code getHostName} of an address) call the
 * JDK's built-in resolver, which blocks its thread in {@code getaddrinfo}/{@code getnameinfo}. On a
 * thread carried by a Loomring carrier that blocked call would stop every thread of the carrier,
 * since a carrier has no compensation. With this provider, such a thread's lookup runs on
 * Loomring's blocking pool while the thread parks, and its carrier keeps running the others.
 *
 * <h2>Why it acts by itself</h2>
 * The provider is registered as a service ({@code provides} in the module, and
 * {@code META-INF/services} for the class path), so the JDK installs it at the first lookup of the
 * JVM without any setting. That is safe because it changes behaviour only where it is needed for
 * correctness: a carried thread's lookup gives the same answers and exceptions as before, from
 * another thread. Every other thread (platform threads, ordinary virtual threads, the pool's own
 * threads) calls the built-in resolver directly, exactly as without Loomring. An application that
 * has a resolver provider of its own should know that the JDK uses the first provider
 * {@link java.util.ServiceLoader} finds, and order them (on the class path, by jar order).
 *
 * <h2>Setting</h2>
 * The system property {@value #POLICY_PROPERTY}, read once when the JDK installs the provider:
 * {@code carried} (the default) as above; {@code virtual} to run every virtual thread's lookups on
 * the pool; {@code off} to call the built-in resolver on every thread. Any other value makes the
 * installation fail with an {@link IllegalArgumentException}, which the JDK passes on to the lookup
 * that triggered it (and to each later one, as it retries).
 *
 * <p>Nothing here looks a name up or starts a scheduler: the JDK creates the provider in the
 * middle of some thread's first lookup.
 */
public final class LoomringResolverProvider extends InetAddressResolverProvider {
    /** The system property that says whose lookups run on the pool: carried, virtual or off. */
    public static final String POLICY_PROPERTY = "loomring.resolver";

    /** Made by {@link java.util.ServiceLoader}; applications do not need one. */
    public LoomringResolverProvider() {}

    /**
     * A resolver over the JDK's built-in one.
     *
     * @throws IllegalArgumentException if {@value #POLICY_PROPERTY} has a value other than
     *     {@code carried}, {@code virtual} or {@code off}
     */
    @Override
    public InetAddressResolver get(Configuration configuration) {
        return new OffloadingResolver(configuration.builtinResolver(),
                OffloadPolicy.parse(System.getProperty(POLICY_PROPERTY)));
    }

    /** {@code "loomring"}. */
    @Override
    public String name() {
        return "loomring";
    }

    /**
     * Lookups run on the blocking pool so far, by the resolvers of this JVM: for tests, and to see
     * how many lookups carried threads make.
     *
     * @return the number of lookups run on the blocking pool since the JVM started
     */
    public static long offloadedLookups() {
        return OffloadingResolver.offloaded();
    }
}
