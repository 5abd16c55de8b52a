package io.loomring.socket;

import static org.junit.jupiter.api.Assertions.*;

import io.loomring.ffm.Errno;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Socket error messages say the errno once: its text, then its name, then what was being done. */
class SocketErrorsTest {
    /** "Text of the error (ENAME)": one name, at the end. */
    private static final Pattern ONCE = Pattern.compile("[A-Z][a-z][^()]* \\(E[A-Z0-9]+\\)");

    @Test
    void everyNamedErrnoReadsAsTextThenName() {
        int named = 0;
        for (int errno = 1; errno < 134; errno++) {
            String text = SocketErrors.describe(errno);
            if (text.startsWith("errno ")) {
                assertEquals("errno " + errno, text);
                continue;
            }
            named++;
            assertTrue(ONCE.matcher(text).matches(), errno + ": " + text);
            String name = text.substring(text.lastIndexOf('(') + 1, text.length() - 1);
            assertEquals(text.indexOf(name), text.lastIndexOf(name), "name repeated: " + text);
        }
        assertTrue(named >= 35, "only " + named + " errnos named");
    }

    @Test
    void messagesForEachKindOfFailure() {
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", 1);
        assertEquals("Connection reset by peer (ECONNRESET)", SocketErrors.io("read", Errno.ECONNRESET).getMessage());
        assertEquals("Broken pipe (EPIPE)", SocketErrors.io("write", Errno.EPIPE).getMessage());
        assertEquals("read failed: Bad file descriptor (EBADF)", SocketErrors.io("read", Errno.EBADF).getMessage());

        var refused = SocketErrors.connect(Errno.ECONNREFUSED, target);
        assertInstanceOf(ConnectException.class, refused);
        assertEquals("Connection refused (ECONNREFUSED) connecting to " + target, refused.getMessage());
        assertInstanceOf(NoRouteToHostException.class, SocketErrors.connect(Errno.ENETUNREACH, target));
        assertEquals("Connection timed out (ETIMEDOUT) connecting to " + target,
                SocketErrors.connect(Errno.ETIMEDOUT, target).getMessage());

        var inUse = SocketErrors.bind(Errno.EADDRINUSE, target);
        assertInstanceOf(BindException.class, inUse);
        assertEquals("Address already in use (EADDRINUSE) binding " + target, inUse.getMessage());
        assertEquals("Protocol error (EPROTO)", SocketErrors.describe(SocketErrors.EPROTO));
    }

    @Test
    void errnoMessageReordersTheCoreTable() {
        assertEquals("Connection reset by peer (ECONNRESET)", Errno.message(Errno.ECONNRESET));
        assertEquals("errno 999", Errno.message(999));
        assertEquals("no parenthesis", Errno.message("no parenthesis"));
    }
}
