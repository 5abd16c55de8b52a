package io.loomring.ffm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.UnsupportedAddressTypeException;
import org.junit.jupiter.api.Test;

/** sockaddr_in / sockaddr_in6 encoding, byte by byte, and decoding back. */
class SocketsAddressTest {

    @Test
    void ipv4() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            sa.fill((byte) 0x55);
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1F90);
            assertEquals(16, Sockets.encode(a, Sockets.AF_INET, sa));
            assertEquals(Sockets.AF_INET, sa.get(ValueLayout.JAVA_SHORT, 0)); // host order
            assertArrayEquals(new byte[] {0x1F, (byte) 0x90, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0},
                    sa.asSlice(2, 14).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, sa.get(ValueLayout.JAVA_BYTE, Sockets.SOCKADDR_STORAGE_SIZE - 1), "zeroed");
            assertEquals(a, Sockets.decode(sa));
        }
    }

    @Test
    void ipv6WithScope() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            byte[] raw = InetAddress.getByName("fe80::1").getAddress();
            InetSocketAddress a = new InetSocketAddress(Inet6Address.getByAddress(null, raw, 3), 443);
            assertEquals(28, Sockets.encode(a, Sockets.AF_INET6, sa));
            assertEquals(Sockets.AF_INET6, sa.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals(1, sa.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals((byte) 0xBB, sa.get(ValueLayout.JAVA_BYTE, 3));
            assertEquals(0, sa.get(ValueLayout.JAVA_INT, 4), "flowinfo");
            assertArrayEquals(raw, sa.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(3, sa.get(ValueLayout.JAVA_INT, 24), "scope id");
            InetSocketAddress back = Sockets.decode(sa);
            assertEquals(443, back.getPort());
            assertEquals(3, ((Inet6Address) back.getAddress()).getScopeId());
        }
    }

    @Test
    void ipv4OnAnIpv6SocketIsMappedAndDecodesAsIpv4() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80);
            assertEquals(28, Sockets.encode(a, Sockets.AF_INET6, sa));
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1},
                    sa.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(a, Sockets.decode(sa));
        }
    }

    @Test
    void rejects() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);
            assertThrows(UnsupportedAddressTypeException.class, () -> Sockets.encode(
                    new InetSocketAddress(InetAddress.getByName("::1"), 1), Sockets.AF_INET, sa));
            assertThrows(java.net.UnknownHostException.class, () -> Sockets.encode(
                    InetSocketAddress.createUnresolved("example.invalid", 1), Sockets.AF_INET, sa));
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) 1); // AF_UNIX
            assertThrows(IllegalArgumentException.class, () -> Sockets.decode(sa));
        }
    }
}
