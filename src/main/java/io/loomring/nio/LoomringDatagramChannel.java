package io.loomring.nio;

import io.loomring.IoScheduler;
import io.loomring.ffm.Poll;
import io.loomring.ffm.Sockets;
import io.loomring.socket.DatagramIo;
import io.loomring.socket.Iovecs;
import io.loomring.socket.SocketCalls;
import io.loomring.socket.SocketFd;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link DatagramChannel} on Loomring, with the JDK's semantics (INET and INET6, the default a
 * dual-stack INET6 socket), except multicast, which it refuses with
 * {@link UnsupportedOperationException}, and {@link #socket()}.
 *
 * <p>The fd is always non-blocking; blocking mode is a wait through the scheduler when a call
 * gets {@code EAGAIN} ({@link DatagramIo}). Receives and reads hold the read lock, sends and
 * writes the write lock, connect, disconnect and bind both; the addresses are
 * {@link DatagramAddresses}'.
 *
 * <p>Every call that touches the fd runs as an operation on it ({@link #operate}), so close, which
 * drops the fd from every selector and then closes it ({@link SocketFd#close()}), wakes a blocked
 * call with {@link java.nio.channels.AsynchronousCloseException} and reuses no fd number under it.
 */
final class LoomringDatagramChannel extends DatagramChannel implements SelectableFd {
    private final SocketFd fd;
    /** {@link Sockets#AF_INET} or {@link Sockets#AF_INET6}. */
    private final int family;
    private final DatagramIo io;
    private final ChannelKeys keys = new ChannelKeys();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final DatagramAddresses addresses;

    /** One operation on the fd; {@code blocking} says whether it may wait. */
    @FunctionalInterface
    private interface Op<T> {
        T run(boolean blocking) throws IOException;
    }

    private LoomringDatagramChannel(LoomringSelectorProvider provider, IoScheduler scheduler, int fdNum, int family) {
        super(provider);
        this.fd = new SocketFd(fdNum, scheduler, "DatagramChannel");
        this.family = family;
        this.io = new DatagramIo(fd, family);
        this.addresses = new DatagramAddresses(fd, family, io);
    }

    /** A channel of {@code family}; {@code null} asks for INET6 where the host has IPv6, else INET. */
    static DatagramChannel open(LoomringSelectorProvider provider, ProtocolFamily family) throws IOException {
        IoScheduler scheduler = provider.scheduler(); // first, so that a failure leaks no socket
        int af;
        int fdNum;
        if (family == null) {
            try {
                fdNum = SocketCalls.newUdpSocket(af = Sockets.AF_INET6);
            } catch (UnsupportedOperationException noIpv6) {
                fdNum = SocketCalls.newUdpSocket(af = Sockets.AF_INET);
            }
        } else if (family == StandardProtocolFamily.INET || family == StandardProtocolFamily.INET6) {
            af = family == StandardProtocolFamily.INET ? Sockets.AF_INET : Sockets.AF_INET6;
            fdNum = SocketCalls.newUdpSocket(af);
        } else {
            throw new UnsupportedOperationException("Protocol family not supported: " + family
                    + " (Loomring's DatagramChannel is INET and INET6 only)");
        }
        return new LoomringDatagramChannel(provider, scheduler, fdNum, af);
    }

    // ---------------------------------------------------------------- addresses

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        InetSocketAddress isa = local == null ? null : DatagramAddresses.check(local, family);
        return underBothLocks(() -> addresses.bind(isa));
    }

    @Override
    public DatagramChannel connect(SocketAddress remote) throws IOException {
        InetSocketAddress isa = DatagramAddresses.check(remote, family);
        return underBothLocks(() -> addresses.connect(isa));
    }

    @Override
    public DatagramChannel disconnect() throws IOException {
        if (!isOpen() || addresses.remote() == null) {
            return this;
        }
        return underBothLocks(addresses::disconnect);
    }

    @Override
    public boolean isConnected() {
        return addresses.remote() != null && isOpen();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return addresses.local();
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return addresses.remote();
    }

    // ---------------------------------------------------------------- data

    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        readLock.lock();
        try {
            return operate(true, blocking -> {
                addresses.ensureBound();
                int n = receiveInto(dst, true, addresses.remote() != null, blocking);
                return n == DatagramIo.WOULD_BLOCK ? null : io.source();
            });
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        InetSocketAddress isa = DatagramAddresses.check(target, family);
        writeLock.lock();
        try {
            return operate(true, blocking -> {
                InetSocketAddress remote = addresses.remote();
                if (remote != null && !target.equals(remote)) {
                    throw new AlreadyConnectedException();
                }
                if (remote == null && isa.getPort() == 0) {
                    throw new SocketException("Can't send to port 0");
                }
                addresses.ensureBound();
                return sendFrom(src, remote == null ? isa : null, remote != null, blocking);
            });
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        readLock.lock();
        try {
            return operate(true, blocking -> {
                addresses.remoteOrThrow();
                if (!dst.hasRemaining()) {
                    return 0;
                }
                return Math.max(0, receiveInto(dst, false, true, blocking));
            });
        } finally {
            readLock.unlock();
        }
    }

    /** One datagram scattered over {@code dsts}, through one array (a datagram is read whole or not at all). */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        byte[] bounce = DatagramVectors.scatterArray(dsts, offset, length);
        readLock.lock();
        try {
            return operate(true, blocking -> {
                addresses.remoteOrThrow();
                if (bounce.length == 0) {
                    return 0L;
                }
                int n = io.receive(MemorySegment.ofArray(bounce), false, true, blocking, 0);
                DatagramVectors.scatter(bounce, n, dsts, offset, length);
                return (long) Math.max(0, n);
            });
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        writeLock.lock();
        try {
            return operate(true, blocking -> {
                addresses.remoteOrThrow();
                return src.hasRemaining() ? sendFrom(src, null, true, blocking) : 0;
            });
        } finally {
            writeLock.unlock();
        }
    }

    /** {@code srcs} gathered into one datagram, through one array. */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        byte[] bounce = DatagramVectors.gather(srcs, offset, length);
        writeLock.lock();
        try {
            return operate(true, blocking -> {
                addresses.remoteOrThrow();
                if (bounce.length == 0) {
                    return 0L;
                }
                int n = io.send(MemorySegment.ofArray(bounce), null, true, blocking);
                if (n <= 0) {
                    return 0L;
                }
                Iovecs.advance(srcs, offset, offset + length, n);
                return (long) n;
            });
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- options, multicast, adaptor

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
        DatagramOptions.checkName(name);
        DatagramOptions.checkValue(name, value);
        operate(false, blocking -> {
            DatagramOptions.set(fd.fd(), family, name, value);
            return null;
        });
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        DatagramOptions.checkName(name);
        return operate(false, blocking -> DatagramOptions.get(fd.fd(), family, name));
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return DatagramOptions.SUPPORTED;
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) {
        throw new UnsupportedOperationException(DatagramOptions.NO_MULTICAST);
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) {
        throw new UnsupportedOperationException(DatagramOptions.NO_MULTICAST);
    }

    /** Not offered: Loomring's channel has no {@link DatagramSocket} adaptor. */
    @Override
    public DatagramSocket socket() {
        throw new UnsupportedOperationException(
                "Loomring's DatagramChannel does not support socket() (the DatagramSocket adaptor)");
    }

    // ---------------------------------------------------------------- selector and close

    @Override
    public int fdValue() {
        return fd.fd();
    }

    @Override
    public int pollEvents(int ops) {
        return ((ops & SelectionKey.OP_READ) != 0 ? Poll.POLLIN : 0)
                | ((ops & SelectionKey.OP_WRITE) != 0 ? Poll.POLLOUT : 0);
    }

    @Override
    public int readyOps(int revents, int interestOps) {
        if ((revents & Poll.POLLNVAL) != 0) {
            return 0;
        }
        if ((revents & (Poll.POLLERR | Poll.POLLHUP)) != 0) {
            return interestOps; // an error is reported by the next call, whichever it is
        }
        int ready = ((revents & Poll.POLLIN) != 0 ? SelectionKey.OP_READ : 0)
                | ((revents & Poll.POLLOUT) != 0 ? SelectionKey.OP_WRITE : 0);
        return ready & interestOps;
    }

    @Override
    public ChannelKeys keys() {
        return keys;
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        keys.dropAll(); // before close(2), while the number still names this socket
        fd.close();     // wakes blocked calls, waits for them to leave the fd
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // The fd stays non-blocking: each call reads the mode when it starts.
    }

    @Override
    public String toString() {
        if (!isOpen()) {
            return "LoomringDatagramChannel[closed]";
        }
        InetSocketAddress remote = addresses.remote();
        return "LoomringDatagramChannel[local=" + addresses.local() + (remote != null ? ", remote=" + remote : "") + "]";
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Runs {@code op} as one operation on the fd. A call that may block does so in blocking mode,
     * and follows the JDK's interrupt rule ({@link ChannelInterrupts}).
     */
    private <T> T operate(boolean mayBlock, Op<T> op) throws IOException {
        boolean blocking = mayBlock && isBlocking();
        try {
            if (blocking) {
                ChannelInterrupts.beforeBlocking(this);
            }
            ensureOpen();
            fd.begin();
            try {
                return op.run(blocking);
            } catch (ClosedByInterruptException e) {
                keys.dropAll(); // end() closes the fd: the selectors forget it first
                throw e;
            } finally {
                fd.end();
            }
        } catch (IOException e) {
            throw ChannelInterrupts.after(this, e);
        }
    }

    private int receiveInto(ByteBuffer dst, boolean withSource, boolean connected, boolean blocking)
            throws IOException {
        // The segment fixes the length: another thread's change to dst cannot widen the kernel's write.
        int n = io.receive(MemorySegment.ofBuffer(dst), withSource, connected, blocking, 0);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    /** Sends {@code src}'s remaining bytes; 0 when a non-blocking send would block. */
    private int sendFrom(ByteBuffer src, InetSocketAddress to, boolean connected, boolean blocking)
            throws IOException {
        int n = io.send(MemorySegment.ofBuffer(src), to, connected, blocking);
        if (n <= 0) {
            return 0;
        }
        src.position(src.position() + n);
        return n;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** A change of the addresses, an operation on the fd. */
    @FunctionalInterface
    private interface AddressChange {
        void run() throws IOException;
    }

    /** Runs {@code change} under the read and the write lock: no datagram moves while addresses change. */
    private DatagramChannel underBothLocks(AddressChange change) throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            operate(false, blocking -> {
                change.run();
                return null;
            });
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
        return this;
    }
}
