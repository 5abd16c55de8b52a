package io.loomring.net;

import java.net.Socket;
import java.net.SocketException;

/** A {@link Socket} over a {@link LoomringSocketImpl} (the constructor that takes one is protected). */
final class LoomringSocket extends Socket {
    LoomringSocket(LoomringSocketImpl impl) throws SocketException {
        super(impl);
    }

    /** The JDK's text with Loomring's name, so a log tells which sockets are ours. */
    @Override
    public String toString() {
        return "Loomring" + super.toString();
    }
}
