/**
 * Name lookups that never block a carrier: {@link io.loomring.dns.LoomringResolverProvider}, an
 * {@link java.net.spi.InetAddressResolverProvider} registered as a service, so that
 * {@link java.net.InetAddress} uses it once Loomring is on the class path or module path. A thread
 * carried by a Loomring carrier has its lookups run on a pool thread while it parks; every other
 * thread calls the JDK's built-in resolver as before.
 */
package io.loomring.dns;
