package io.loomring.nio;

import io.loomring.ffm.Sockets;
import io.loomring.socket.DatagramIo;
import io.loomring.socket.SocketAddresses;
import io.loomring.socket.SocketCalls;
import io.loomring.socket.SocketFd;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;

/**
 * The addresses of a {@link LoomringDatagramChannel}'s socket and what changes them: bind,
 * connect, disconnect, and the implicit bind of a first send or receive. Changes are made under
 * a lock of this object's own, inside an operation on the fd (the channel's); the addresses are
 * read without it.
 */
final class DatagramAddresses {
    private final SocketFd fd;
    private final int family;
    private final DatagramIo io;
    private volatile InetSocketAddress local;  // null until bound
    private volatile InetSocketAddress remote; // null unless connected
    /** The local address before connect, which disconnect restores; under this. */
    private InetSocketAddress localBeforeConnect;

    DatagramAddresses(SocketFd fd, int family, DatagramIo io) {
        this.fd = fd;
        this.family = family;
        this.io = io;
    }

    /** The bound address, or null. */
    InetSocketAddress local() {
        return local;
    }

    /** The peer, or null when not connected. */
    InetSocketAddress remote() {
        return remote;
    }

    /** @throws NotYetConnectedException unless connected */
    InetSocketAddress remoteOrThrow() {
        InetSocketAddress r = remote;
        if (r == null) {
            throw new NotYetConnectedException();
        }
        return r;
    }

    /** bind(2) to {@code isa}, or to the wildcard address and an ephemeral port when null. */
    synchronized void bind(InetSocketAddress isa) throws IOException {
        if (local != null) {
            throw new AlreadyBoundException();
        }
        bindLocked(isa == null ? wildcard() : isa);
    }

    /** Binds as {@link #bind}{@code (null)} unless bound, as the JDK's first send or receive does. */
    void ensureBound() throws IOException {
        if (local == null) {
            synchronized (this) {
                if (local == null) {
                    bindLocked(wildcard());
                }
            }
        }
    }

    synchronized void connect(InetSocketAddress isa) throws IOException {
        if (remote != null) {
            throw new AlreadyConnectedException();
        }
        if (isa.getPort() == 0) {
            throw new SocketException("Can't connect to port 0");
        }
        ensureBound();
        localBeforeConnect = local;
        SocketCalls.connectDatagram(fd.fd(), family, isa);
        remote = isa;
        local = SocketCalls.localAddress(fd.fd());
        // Datagrams queued before the connect may be from anyone, and a connected channel hears
        // only its peer: they go, as with the JDK.
        io.drain();
    }

    synchronized void disconnect() throws IOException {
        if (remote == null) {
            return;
        }
        SocketCalls.connectDatagram(fd.fd(), family, null);
        remote = null;
        InetSocketAddress now = SocketCalls.localAddress(fd.fd());
        // Linux gives up an ephemeral port at disconnect: bind it again, as the JDK does.
        if (now.getPort() == 0 && localBeforeConnect != null) {
            SocketAddresses.bind(fd.fd(), family, localBeforeConnect);
            now = SocketCalls.localAddress(fd.fd());
        }
        local = now;
        localBeforeConnect = null;
    }

    private void bindLocked(InetSocketAddress isa) throws IOException {
        SocketAddresses.bind(fd.fd(), family, isa);
        local = SocketCalls.localAddress(fd.fd());
    }

    private InetSocketAddress wildcard() throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[family == Sockets.AF_INET ? 4 : 16]), 0);
    }

    /** The JDK's checks of a peer or local address, for a socket of {@code family}. */
    static InetSocketAddress check(SocketAddress sa, int family) {
        Objects.requireNonNull(sa, "address");
        if (!(sa instanceof InetSocketAddress isa)) {
            throw new UnsupportedAddressTypeException();
        }
        if (isa.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        if (family == Sockets.AF_INET && !(isa.getAddress() instanceof Inet4Address)) {
            throw new UnsupportedAddressTypeException();
        }
        return isa;
    }
}
