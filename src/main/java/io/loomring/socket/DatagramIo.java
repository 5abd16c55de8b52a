package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;

/**
 * The data path of a UDP socket: one datagram in or out per call, on the non-blocking fd. A
 * blocking call that gets {@code EAGAIN} parks until the fd is ready ({@link SocketFd#await} on
 * the calling thread's route: a thread carried by the scheduler waits in its carrier, another
 * thread on a sub-poller), then tries again; a non-blocking call returns {@link #WOULD_BLOCK}.
 * Datagrams stay on the readiness path: a ring {@code RECV} would lose the sender's address.
 *
 * <p>Every call runs inside an operation on the fd ({@link SocketFd#begin()} ... {@link
 * SocketFd#end()}, the caller's), receives under the caller's read lock and sends under its write
 * lock: each side has a native block of its own for the peer's {@code sockaddr}, taken from the
 * socket's memory at first use and freed when the fd closes.
 *
 * <p>{@code ECONNREFUSED} (an ICMP port unreachable answer to an earlier datagram) is
 * {@link PortUnreachableException} on a connected socket; on an unconnected one a receive goes on
 * and a send counts as sent, as the JDK's datagram channel does.
 */
public final class DatagramIo {
    /** What a non-blocking call returns when it would have had to wait. */
    public static final int WOULD_BLOCK = -1;

    /** Bytes of a peer block: a {@code sockaddr_storage}, then its length as an int. */
    private static final long PEER_BLOCK_SIZE = Sockets.SOCKADDR_STORAGE_SIZE + 8;

    private final SocketFd fd;
    private final int family;
    /** recvfrom's source address and its length; under the read lock. */
    private MemorySegment source;
    /** sendto's target address; under the write lock. */
    private MemorySegment target;
    /** What {@link #target} holds, so that a run of sends to one peer encodes it once. */
    private InetSocketAddress encodedTarget;
    private int encodedTargetLength;

    /** The data path of {@code fd}, a UDP socket of {@code family} ({@code Sockets.AF_INET*}). */
    public DatagramIo(SocketFd fd, int family) {
        this.fd = fd;
        this.family = family;
    }

    /**
     * Receives one datagram into {@code buf} (bytes past its size are dropped by the kernel).
     *
     * @param withSource   true to keep the sender's address for {@link #source()}
     * @param timeoutNanos how long a blocking call may park; 0 for no limit
     * @return the datagram's length, at most {@code buf}'s size, or {@link #WOULD_BLOCK}
     */
    public int receive(MemorySegment buf, boolean withSource, boolean connected, boolean blocking,
                       long timeoutNanos) throws IOException {
        MemorySegment addr = MemorySegment.NULL;
        MemorySegment lenPtr = MemorySegment.NULL;
        if (withSource) {
            if (source == null) {
                source = fd.memory().allocate(PEER_BLOCK_SIZE);
            }
            addr = source;
            lenPtr = source.asSlice(Sockets.SOCKADDR_STORAGE_SIZE, 4);
        }
        IoRoute route = null;
        MemorySegment capture = Native.threadCaptureState();
        long deadline = -1;
        for (;;) {
            if (withSource) {
                lenPtr.set(ValueLayout.JAVA_INT, 0, Sockets.SOCKADDR_STORAGE_SIZE);
            }
            long n = Sockets.recvfrom(capture, fd.fd(), buf, buf.byteSize(), 0, addr, lenPtr);
            if (n >= 0) {
                return (int) n;
            }
            int errno = (int) -n;
            if (errno == Errno.EAGAIN) {
                if (!blocking) {
                    return WOULD_BLOCK;
                }
                if (route == null) {
                    route = fd.route();
                    deadline = SocketFd.deadline(timeoutNanos);
                }
                fd.await(route, true, deadline, "Receive timed out");
            } else if (errno != Errno.EINTR && !(errno == Errno.ECONNREFUSED && !connected)) {
                throw failure("receive", errno);
            }
        }
    }

    /** The sender of the last datagram {@link #receive} took with its source; under the read lock. */
    public InetSocketAddress source() {
        return Sockets.decode(source);
    }

    /**
     * Sends {@code buf} as one datagram to {@code to}, or to the connected peer when {@code to} is
     * null.
     *
     * @return the bytes sent (all of {@code buf}), or {@link #WOULD_BLOCK}
     */
    public int send(MemorySegment buf, InetSocketAddress to, boolean connected, boolean blocking) throws IOException {
        MemorySegment addr = MemorySegment.NULL;
        int addrLen = 0;
        if (to != null) {
            if (target == null) {
                target = fd.memory().allocate(PEER_BLOCK_SIZE);
            }
            // Identity, not equals: Inet6Address.equals ignores the scope id, which is encoded.
            if (to != encodedTarget) {
                encodedTarget = null;
                encodedTargetLength = Sockets.encode(to, family, target);
                encodedTarget = to;
            }
            addr = target;
            addrLen = encodedTargetLength;
        }
        IoRoute route = null;
        MemorySegment capture = Native.threadCaptureState();
        for (;;) {
            long n = Sockets.sendto(capture, fd.fd(), buf, buf.byteSize(), 0, addr, addrLen);
            if (n >= 0) {
                return (int) n;
            }
            int errno = (int) -n;
            if (errno == Errno.EAGAIN) {
                if (!blocking) {
                    return WOULD_BLOCK;
                }
                if (route == null) {
                    route = fd.route();
                }
                fd.await(route, false, 0, "Send timed out");
            } else if (errno == Errno.ECONNREFUSED && !connected) {
                return (int) buf.byteSize(); // a stale error of an earlier peer: this datagram went
            } else if (errno != Errno.EINTR) {
                throw failure("send", errno);
            }
        }
    }

    /**
     * Drops every datagram queued now, without waiting: those that came before a connect, from
     * peers other than the new one.
     */
    public void drain() throws IOException {
        MemorySegment one = MemorySegment.ofArray(new byte[1]); // recvfrom takes heap segments
        while (receive(one, false, false, false, 0) != WOULD_BLOCK) {
            // next
        }
    }

    private IOException failure(String what, int errno) throws IOException {
        fd.checkNotClosing();
        if (errno == Errno.ECONNREFUSED) {
            return new PortUnreachableException(SocketErrors.describe(errno));
        }
        return SocketErrors.io(what, errno);
    }
}
