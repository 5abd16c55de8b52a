package io.loomring.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Jedis's socket hook on a {@link SocketFactory} (Loomring's, or the JDK's for comparison): the
 * socket set up as Jedis's own {@code DefaultJedisSocketFactory} does it (SO_REUSEADDR,
 * SO_KEEPALIVE, TCP_NODELAY, SO_LINGER 0, connect timeout, then SO_TIMEOUT).
 */
final class LoomringJedisSocketFactory implements JedisSocketFactory {
    private final SocketFactory sockets;
    private final HostAndPort server;
    private final int timeoutMillis;

    LoomringJedisSocketFactory(SocketFactory sockets, HostAndPort server, int timeoutMillis) {
        this.sockets = sockets;
        this.server = server;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Socket createSocket() throws JedisConnectionException {
        Socket s = null;
        try {
            s = sockets.createSocket();
            s.setReuseAddress(true);
            s.setKeepAlive(true);
            s.setTcpNoDelay(true);
            s.setSoLinger(true, 0);
            s.connect(new InetSocketAddress(server.getHost(), server.getPort()), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            return s;
        } catch (IOException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new JedisConnectionException("Failed to connect to " + server, e);
        }
    }
}
