package io.loomring.ffm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Sockets#recv} and {@link Sockets#send} may hand a Java array to the kernel: a length that
 * does not fit the segment is refused before the call, so the kernel can never write (or read)
 * past it. An unconnected socket keeps the kernel from touching the buffer even if the check were
 * missing.
 */
class SocketsBoundsTest {
    private int fd;

    @BeforeEach
    void open() {
        fd = Sockets.socket(Native.threadCaptureState(), Sockets.AF_INET,
                Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        assertTrue(fd >= 0, () -> "socket failed: " + Errno.describe(-fd));
    }

    @AfterEach
    void close() {
        LibC.close(Native.threadCaptureState(), fd);
    }

    @Test
    void lengthBeyondTheHeapSegmentIsRefused() {
        MemorySegment capture = Native.threadCaptureState();
        MemorySegment four = MemorySegment.ofArray(new byte[16]).asSlice(4, 4);
        assertThrows(IndexOutOfBoundsException.class, () -> Sockets.recv(capture, fd, four, 5, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Sockets.send(capture, fd, four, 5, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Sockets.recv(capture, fd, four, -1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Sockets.send(capture, fd, four, -1, 0));
        // In bounds, the call reaches the kernel, which refuses an unconnected socket.
        assertTrue(Sockets.recv(capture, fd, four, 4, 0) < 0);
        assertTrue(Sockets.send(capture, fd, four, 4, Sockets.MSG_NOSIGNAL) < 0);
    }
}
