package io.loomring.net;

import io.loomring.IoScheduler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * A {@link ServerSocket} over a {@link LoomringServerSocketImpl}. It overrides {@link #accept()}
 * because the JDK's version accepts a custom server impl's connections only into a socket made by
 * the process-wide {@link Socket#setSocketImplFactory}; here each accepted connection gets a new
 * {@link LoomringSocketImpl} on the same scheduler, with no process-wide state.
 */
final class LoomringServerSocket extends ServerSocket {
    private final IoScheduler scheduler;

    LoomringServerSocket(IoScheduler scheduler) throws IOException {
        super(new LoomringServerSocketImpl(scheduler));
        this.scheduler = scheduler;
    }

    /** The JDK's text with Loomring's name, so a log tells which server sockets are ours. */
    @Override
    public String toString() {
        return "Loomring" + super.toString();
    }

    /**
     * Waits for a connection (at most SO_TIMEOUT, then {@link java.net.SocketTimeoutException}) and
     * returns it as a socket on this server socket's scheduler.
     */
    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        Socket s = new LoomringSocket(new LoomringSocketImpl(scheduler));
        implAccept(s);
        return s;
    }
}
