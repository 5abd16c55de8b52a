package io.loomring.net;

import io.loomring.socket.TcpOption;
import static org.junit.jupiter.api.Assertions.*;

import java.net.SocketException;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

/**
 * The one option table serves client and server sockets: each face offers what the JDK's own
 * impls offer, legacy ids and option names find the same row, and java.net's value rules hold.
 */
class TcpOptionTableTest {
    @Test
    void clientSocketsOfferTheStandardAndTheTcpOptions() {
        assertEquals(Set.of(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
                StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_LINGER,
                StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT, StandardSocketOptions.IP_TOS,
                ExtendedSocketOptions.TCP_KEEPIDLE, ExtendedSocketOptions.TCP_KEEPINTERVAL,
                ExtendedSocketOptions.TCP_KEEPCOUNT, ExtendedSocketOptions.TCP_QUICKACK), JavaNetOptions.CLIENT);
    }

    @Test
    void serverSocketsOfferTheirThree() {
        assertEquals(Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR,
                StandardSocketOptions.SO_REUSEPORT), JavaNetOptions.SERVER);
    }

    @Test
    void legacyIdsAndNamesFindTheSameRow() throws SocketException {
        for (TcpOption o : TcpOption.values()) {
            if (o.socketOption() != null) {
                assertSame(o, TcpOption.bySocketOption(o.socketOption()));
            }
            if (o.legacyId() >= 0) {
                assertSame(o, TcpOption.byLegacyId(o.legacyId()));
                assertSame(o, JavaNetOptions.legacy(o.legacyId(), false));
            }
        }
        assertNull(TcpOption.byLegacyId(-1));
        assertEquals("Unknown option " + SocketOptions.TCP_NODELAY,
                assertThrows(SocketException.class, () -> JavaNetOptions.legacy(SocketOptions.TCP_NODELAY, true))
                        .getMessage());
    }

    @Test
    void legacyValuesFollowJavaNet() throws SocketException {
        assertEquals(-1, JavaNetOptions.fromLegacy(TcpOption.SO_LINGER, Boolean.FALSE));
        assertEquals(5, JavaNetOptions.fromLegacy(TcpOption.SO_LINGER, 5));
        assertEquals(Boolean.FALSE, JavaNetOptions.toLegacy(TcpOption.SO_LINGER, -1));
        assertEquals(Boolean.TRUE, JavaNetOptions.toLegacy(TcpOption.TCP_NODELAY, 1));
        assertEquals("SO_RCVBUF <= 0", assertThrows(SocketException.class,
                () -> JavaNetOptions.fromLegacy(TcpOption.SO_RCVBUF, 0)).getMessage());
        assertEquals("Bad value for SO_KEEPALIVE", assertThrows(SocketException.class,
                () -> JavaNetOptions.fromLegacy(TcpOption.SO_KEEPALIVE, 1)).getMessage());
        assertEquals("TCP_KEEPCNT must be positive: 0", assertThrows(IllegalArgumentException.class,
                () -> JavaNetOptions.fromTyped(TcpOption.TCP_KEEPCNT, 0)).getMessage());
    }
}
