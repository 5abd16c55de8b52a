package io.loomring.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Socket calls: {@code socket}, {@code bind}, {@code listen}, {@code accept4}, {@code connect},
 * socket options, addresses, {@code shutdown}, and the data calls (stream and datagram), plus
 * {@code sockaddr_in} / {@code sockaddr_in6} encoding.
 *
 * <p>Like {@link LibC}, every method returns the result or {@code -errno}; {@code capture} is an
 * errno capture segment from {@link Native}.
 *
 * <p>The data calls ({@link #recv}, {@link #send}, {@link #recvfrom}, {@link #sendto}) are linked as <em>critical</em> downcalls that
 * may take heap segments: they are only ever made on non-blocking sockets, so the kernel returns at
 * once (at worst after copying one socket buffer's worth), and a {@code byte[]} can be handed to the
 * kernel without a copy through native memory.
 */
public final class Sockets {
    private Sockets() {}

    /** {@code connect} to an address of this family dissolves a datagram socket's association. */
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_OOBINLINE = 10;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_IP = 0;
    public static final int IP_TOS = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_QUICKACK = 12;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_TCLASS = 67;

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;

    /** send/sendmsg flag: report EPIPE instead of raising SIGPIPE. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** send/recv flag: do not return before the whole buffer is done (or an error ends it). */
    public static final int MSG_WAITALL = 0x100;

    /** Bytes of a {@code sockaddr_storage}: room for any address family. */
    public static final int SOCKADDR_STORAGE_SIZE = 128;
    public static final int SOCKADDR_IN_SIZE = 16;
    public static final int SOCKADDR_IN6_SIZE = 28;
    /** Bytes of a {@code struct iovec} (base pointer, length). */
    public static final int IOVEC_SIZE = 16;
    /** Bytes of a {@code struct msghdr} on 64-bit Linux. */
    public static final int MSGHDR_SIZE = 56;
    /** Bytes of a {@code struct linger} (two ints). */
    public static final int LINGER_SIZE = 8;

    /** The {@code ioctl} syscall number (x86-64) and its request for the bytes readable now. */
    private static final int SYS_IOCTL = 16;
    private static final int FIONREAD = 0x541B;

    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private static final MethodHandle SOCKET = Native.capturing("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = Native.capturing("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Native.capturing("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Native.capturing("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = Native.capturing("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Native.capturing("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = Native.capturing("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = Native.capturing("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = Native.capturing("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = Native.capturing("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle RECV = Native.capturing("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
            Linker.Option.critical(true));
    private static final MethodHandle SEND = Native.capturing("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
            Linker.Option.critical(true));
    private static final MethodHandle RECVFROM = Native.capturing("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS),
            Linker.Option.critical(true));
    private static final MethodHandle SENDTO = Native.capturing("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.critical(true));
    private static final MethodHandle READV = Native.capturing("readv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = Native.capturing("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    /** {@code socket(domain, type, protocol)}. */
    public static int socket(MemorySegment capture, int domain, int type, int protocol) {
        try {
            return (int) Native.result((int) SOCKET.invokeExact(capture, domain, type, protocol), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code bind(fd, addr, len)}. */
    public static int bind(MemorySegment capture, int fd, MemorySegment addr, int len) {
        try {
            return (int) Native.result((int) BIND.invokeExact(capture, fd, addr, len), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code listen(fd, backlog)}. */
    public static int listen(MemorySegment capture, int fd, int backlog) {
        try {
            return (int) Native.result((int) LISTEN.invokeExact(capture, fd, backlog), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * {@code accept4(fd, addr, lenPtr, flags)}; {@code addr} and {@code lenPtr} may be
     * {@link MemorySegment#NULL}.
     */
    public static int accept4(MemorySegment capture, int fd, MemorySegment addr, MemorySegment lenPtr, int flags) {
        try {
            return (int) Native.result((int) ACCEPT4.invokeExact(capture, fd, addr, lenPtr, flags), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code connect(fd, addr, len)}. */
    public static int connect(MemorySegment capture, int fd, MemorySegment addr, int len) {
        try {
            return (int) Native.result((int) CONNECT.invokeExact(capture, fd, addr, len), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code getsockopt(fd, level, name, value, lenPtr)}. */
    public static int getsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value,
                                 MemorySegment lenPtr) {
        try {
            return (int) Native.result((int) GETSOCKOPT.invokeExact(capture, fd, level, name, value, lenPtr),
                    capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code setsockopt(fd, level, name, value, len)}. */
    public static int setsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) Native.result((int) SETSOCKOPT.invokeExact(capture, fd, level, name, value, len), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code getsockname(fd, addr, lenPtr)}. */
    public static int getsockname(MemorySegment capture, int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            return (int) Native.result((int) GETSOCKNAME.invokeExact(capture, fd, addr, lenPtr), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code getpeername(fd, addr, lenPtr)}. */
    public static int getpeername(MemorySegment capture, int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            return (int) Native.result((int) GETPEERNAME.invokeExact(capture, fd, addr, lenPtr), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code shutdown(fd, how)}. */
    public static int shutdown(MemorySegment capture, int fd, int how) {
        try {
            return (int) Native.result((int) SHUTDOWN.invokeExact(capture, fd, how), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * {@code recv(fd, buf, len, flags)}. {@code buf} may be a heap segment. Only for non-blocking
     * fds (see the class comment).
     *
     * @throws IndexOutOfBoundsException if {@code len} is negative or larger than {@code buf}
     */
    public static long recv(MemorySegment capture, int fd, MemorySegment buf, long len, int flags) {
        // The kernel writes len bytes at buf's address, possibly straight into a Java array: a
        // length past the segment would corrupt the heap, so it is checked before the call.
        Objects.checkFromIndexSize(0L, len, buf.byteSize());
        try {
            return Native.result((long) RECV.invokeExact(capture, fd, buf, len, flags), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * {@code send(fd, buf, len, flags)}. {@code buf} may be a heap segment. Only for non-blocking
     * fds (see the class comment).
     *
     * @throws IndexOutOfBoundsException if {@code len} is negative or larger than {@code buf}
     */
    public static long send(MemorySegment capture, int fd, MemorySegment buf, long len, int flags) {
        Objects.checkFromIndexSize(0L, len, buf.byteSize()); // never read past the segment
        try {
            return Native.result((long) SEND.invokeExact(capture, fd, buf, len, flags), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * {@code recvfrom(fd, buf, len, flags, addr, lenPtr)}: one datagram, its excess bytes dropped,
     * its source into {@code addr} ({@code lenPtr} holds the room in {@code addr} and gets the
     * address's length). {@code buf} may be a heap segment; only for non-blocking fds.
     *
     * @throws IndexOutOfBoundsException if {@code len} is negative or larger than {@code buf}
     */
    public static long recvfrom(MemorySegment capture, int fd, MemorySegment buf, long len, int flags,
                                MemorySegment addr, MemorySegment lenPtr) {
        Objects.checkFromIndexSize(0L, len, buf.byteSize()); // never write past the segment
        try {
            return Native.result((long) RECVFROM.invokeExact(capture, fd, buf, len, flags, addr, lenPtr), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * {@code sendto(fd, buf, len, flags, addr, addrLen)}: one datagram to {@code addr}.
     * {@code buf} may be a heap segment; only for non-blocking fds.
     *
     * @throws IndexOutOfBoundsException if {@code len} is negative or larger than {@code buf}
     */
    public static long sendto(MemorySegment capture, int fd, MemorySegment buf, long len, int flags,
                              MemorySegment addr, int addrLen) {
        Objects.checkFromIndexSize(0L, len, buf.byteSize()); // never read past the segment
        try {
            return Native.result((long) SENDTO.invokeExact(capture, fd, buf, len, flags, addr, addrLen), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code readv(fd, iov, iovcnt)}: the iovecs must point to native memory. */
    public static long readv(MemorySegment capture, int fd, MemorySegment iov, int iovcnt) {
        try {
            return Native.result((long) READV.invokeExact(capture, fd, iov, iovcnt), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code sendmsg(fd, msg, flags)}: the iovecs must point to native memory. */
    public static long sendmsg(MemorySegment capture, int fd, MemorySegment msg, int flags) {
        try {
            return Native.result((long) SENDMSG.invokeExact(capture, fd, msg, flags), capture);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** {@code ioctl(fd, FIONREAD, count)}: the bytes readable without blocking, into the int at {@code count}. */
    public static int bytesReadable(MemorySegment capture, int fd, MemorySegment count) {
        return (int) LibC.syscall(capture, SYS_IOCTL, fd, FIONREAD, count.address(), 0, 0, 0);
    }

    // ---------------------------------------------------------------- struct helpers

    /** Writes iovec {@code i} of the array at {@code iov}. */
    public static void setIovec(MemorySegment iov, int i, long base, long len) {
        iov.set(JAVA_LONG, (long) i * IOVEC_SIZE, base);
        iov.set(JAVA_LONG, (long) i * IOVEC_SIZE + 8, len);
    }

    /** Fills a {@code msghdr} with only an iovec array (no name, no control data). */
    public static void setMsghdr(MemorySegment msg, MemorySegment iov, int iovcnt) {
        msg.fill((byte) 0);
        msg.set(JAVA_LONG, 16, iov.address()); // msg_iov
        msg.set(JAVA_LONG, 24, iovcnt);        // msg_iovlen (size_t)
    }

    /** The address family for an address: {@link #AF_INET} or {@link #AF_INET6}. */
    public static int family(InetAddress address) {
        return address instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /**
     * Encodes {@code address} for a socket of {@code family} into {@code dst} (at least
     * {@link #SOCKADDR_STORAGE_SIZE} bytes): {@code sockaddr_in} for {@link #AF_INET},
     * {@code sockaddr_in6} for {@link #AF_INET6} (an IPv4 address becomes IPv4-mapped).
     *
     * @return the encoded length
     * @throws UnknownHostException if the address is unresolved
     * @throws java.nio.channels.UnsupportedAddressTypeException for an IPv6 address and
     *         {@link #AF_INET}
     */
    public static int encode(InetSocketAddress address, int family, MemorySegment dst) throws UnknownHostException {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new UnknownHostException(address.getHostString());
        }
        dst.asSlice(0, SOCKADDR_STORAGE_SIZE).fill((byte) 0);
        byte[] raw = ip.getAddress();
        if (family == AF_INET) {
            if (!(ip instanceof Inet4Address)) {
                throw new java.nio.channels.UnsupportedAddressTypeException();
            }
            dst.set(JAVA_SHORT, 0, (short) AF_INET);
            dst.set(NET_SHORT, 2, (short) address.getPort());
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 4, 4);
            return SOCKADDR_IN_SIZE;
        }
        dst.set(JAVA_SHORT, 0, (short) AF_INET6);
        dst.set(NET_SHORT, 2, (short) address.getPort());
        // flowinfo (offset 4) stays 0
        if (ip instanceof Inet4Address) {
            dst.set(JAVA_SHORT, 18, (short) 0xffff); // ::ffff:a.b.c.d
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 8, 16);
            dst.set(JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
        }
        return SOCKADDR_IN6_SIZE;
    }

    /**
     * Decodes a {@code sockaddr_in} or {@code sockaddr_in6}. An IPv4-mapped IPv6 address decodes to
     * its IPv4 form.
     *
     * @throws IllegalArgumentException for another address family
     */
    public static InetSocketAddress decode(MemorySegment src) {
        int family = src.get(JAVA_SHORT, 0) & 0xffff;
        int port = src.get(NET_SHORT, 2) & 0xffff;
        try {
            if (family == AF_INET) {
                byte[] raw = new byte[4];
                MemorySegment.copy(src, JAVA_BYTE, 4, raw, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            }
            if (family == AF_INET6) {
                byte[] raw = new byte[16];
                MemorySegment.copy(src, JAVA_BYTE, 8, raw, 0, 16);
                int scope = src.get(JAVA_INT, 24);
                InetAddress ip = InetAddress.getByAddress(raw); // IPv4-mapped becomes Inet4Address
                if (ip instanceof Inet6Address && scope != 0) {
                    ip = Inet6Address.getByAddress(null, raw, scope);
                }
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("impossible: raw address of the right length", e);
        }
        throw new IllegalArgumentException("unsupported address family " + family);
    }
}
