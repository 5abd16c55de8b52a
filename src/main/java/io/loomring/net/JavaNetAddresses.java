package io.loomring.net;

import io.loomring.ffm.Sockets;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;

/**
 * What {@code java.net} makes of an address before a client socket connects or binds: the
 * wildcard's meaning, the family check, and the refusal of a proxy the JDK's sockets would use.
 */
final class JavaNetAddresses {
    private JavaNetAddresses() {}

    /**
     * The address a connect to {@code target} goes to, on a socket of {@code family}.
     *
     * @throws SocketException if the default {@link ProxySelector} picks a proxy, or an IPv6
     *                         address is asked of an IPv4 socket
     */
    static InetAddress connectTarget(InetSocketAddress target, int family) throws SocketException,
            UnknownHostException {
        refuseProxy(target);
        InetAddress ip = target.getAddress();
        if (ip.isAnyLocalAddress()) {
            ip = InetAddress.getLocalHost(); // as the JDK: connecting to the wildcard means this host
        }
        if (family == Sockets.AF_INET && ip instanceof Inet6Address) {
            throw new SocketException("Protocol family unavailable");
        }
        return ip;
    }

    /**
     * The address a bind to {@code host} (null: the wildcard) binds, on a socket of {@code family}.
     *
     * @throws SocketException if an IPv6 address is asked of an IPv4 socket
     */
    static InetAddress bindAddress(InetAddress host, int family) throws SocketException, UnknownHostException {
        InetAddress ip = host != null ? host : InetAddress.getByName("0.0.0.0");
        if (family == Sockets.AF_INET && ip instanceof Inet6Address) {
            throw new SocketException("Protocol family unavailable");
        }
        if (ip.isAnyLocalAddress() && family == Sockets.AF_INET6) {
            ip = InetAddress.getByName("::"); // the dual-stack wildcard, not IPv4-mapped 0.0.0.0
        }
        return ip;
    }

    /**
     * The JDK's default socket sends a connect through the SOCKS proxy its {@link ProxySelector}
     * picks ({@code socksProxyHost}, or an application's selector); Loomring's cannot, so it fails
     * instead of silently going direct.
     */
    private static void refuseProxy(InetSocketAddress target) throws SocketException {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return;
        }
        List<Proxy> proxies;
        try {
            proxies = selector.select(new URI("socket", null, target.getHostString(), target.getPort(),
                    null, null, null));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return;
        }
        if (proxies != null && !proxies.isEmpty() && proxies.getFirst().type() != Proxy.Type.DIRECT) {
            throw new SocketException("Loomring sockets do not support SOCKS or HTTP proxies, but the default"
                    + " ProxySelector chose " + proxies.getFirst() + " for " + target
                    + " (socksProxyHost?); use the JDK's sockets for proxied connections");
        }
    }
}
