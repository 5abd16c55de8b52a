package io.loomring.bench.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Prints a TCP port on 127.0.0.1 that is free right now, for servers that cannot be told to pick
 * one themselves ({@code redis-server}). The port could be taken again before it is used; the
 * harness checks that the server came up.
 */
public final class FreePort {
    private FreePort() {}

    /** Entry point: prints one port number. */
    public static void main(String[] args) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            System.out.println(s.getLocalPort());
        }
    }
}
