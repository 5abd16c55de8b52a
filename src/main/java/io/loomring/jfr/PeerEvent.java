package io.loomring.jfr;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import jdk.jfr.Event;
import jdk.jfr.Label;

/**
 * The fields of an event about one connection's other end, as the JDK's socket events name them.
 * For a Unix domain socket, {@code host} is the path, {@code address} is {@code "[AF_UNIX]"} and
 * {@code port} is 0.
 */
abstract class PeerEvent extends Event {
    @Label("Remote Host")
    String host;

    @Label("Remote Address")
    String address;

    @Label("Remote Port")
    int port;

    /** Fills the fields from {@code remote} (nothing known: empty strings, port 0); never looks a name up. */
    final void peer(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet) {
            host = inet.getHostString();
            address = inet.getAddress() == null ? "" : inet.getAddress().getHostAddress();
            port = inet.getPort();
        } else if (remote instanceof UnixDomainSocketAddress unix) {
            host = unix.getPath().toString();
            address = "[AF_UNIX]";
        } else {
            host = "";
            address = "";
        }
    }
}
