package io.loomring.net;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/** The compatibility contract on the JDK's own sockets: the reference behaviour. */
class JdkSocketCompatibilityTest extends SocketCompatibilityContract {
    @Override
    SocketFactory clients() {
        return SocketFactory.getDefault();
    }

    @Override
    ServerSocketFactory servers() {
        return ServerSocketFactory.getDefault();
    }

    @Override
    boolean isLoomring() {
        return false;
    }
}
