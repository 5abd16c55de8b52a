package io.loomring.socket;

import io.loomring.IoRoute;
import io.loomring.IoStatus;
import io.loomring.IoScheduler;
import io.loomring.ffm.Errno;
import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;

/**
 * Completion-mode reads and writes of one socket, used while the calling thread is carried by an
 * io_uring carrier ({@link IoScheduler#completionMode()}): a read is a {@code RECV} and a write a
 * {@code SEND} in the carrier's ring, submitted with everything else at the carrier's next kernel
 * call, so a request/response exchange costs no syscall of its own.
 *
 * <p>The kernel writes and reads the buffer after submission, so it must be native memory that
 * stays put: direct buffers are used as they are, heap arrays go through a buffer this socket owns
 * (one for reading, under the read lock; one for writing, under the write lock). A read into a
 * heap array whose RECV filled that buffer goes on with a non-blocking {@code recv(2)} straight
 * into the array for the rest of the caller's length, so a read returns what is there, up to that
 * length, as a blocking read does; that costs a syscall only when more than the buffer had come. A timeout,
 * interrupt or close cancels the request and waits for its final completion
 * ({@link IoScheduler#receive}); bytes that arrived before the cancel took effect are returned.
 *
 * <p>Every call is given the {@link IoRoute} its caller chose once for the whole read or write; a
 * status it returns becomes an exception in one place, {@link SocketFd#statusException}.
 */
public final class RingSocketIo {
    /** Size of the socket-owned buffers for heap arrays (allocated on first use, freed with the socket). */
    private static final int BUFFER_SIZE = 16 * 1024;

    private final SocketFd fd;
    private MemorySegment receiveBuffer;
    /** The last slice of {@link #receiveBuffer} read into (read lock). */
    private MemorySegment receiveSlice;
    private MemorySegment sendBuffer;
    /** An error the follow-up {@code recv(2)} of a read returned after its bytes: the next read's (read lock). */
    private int deferredErrno;

    public RingSocketIo(SocketFd fd) {
        this.fd = fd;
    }

    /**
     * Receives up to {@code len} bytes into {@code dst}; read lock held.
     *
     * @return bytes received, or -1 at end of stream
     */
    public int receive(IoRoute route, MemorySegment dst, int len, long timeoutNanos) throws IOException {
        if (deferredErrno != 0) {
            int errno = deferredErrno;
            deferredErrno = 0;
            fd.checkNotClosing();
            throw SocketErrors.io("read", errno);
        }
        boolean direct = dst.isNative();
        if (!direct && receiveBuffer == null) {
            receiveBuffer = fd.memory().allocate(BUFFER_SIZE);
            receiveSlice = receiveBuffer;
        }
        MemorySegment target;
        if (direct) {
            target = dst.asSlice(0, len);
        } else {
            // A connection reads with the same length again and again: keep that slice.
            int n = Math.min(len, BUFFER_SIZE);
            if (receiveSlice.byteSize() != n) {
                receiveSlice = receiveBuffer.asSlice(0, n);
            }
            target = receiveSlice;
        }
        long deadline = SocketFd.deadline(timeoutNanos);
        for (;;) {
            int r = run(route, true, target, deadline, "Read timed out");
            if (r > 0) {
                if (!direct) {
                    MemorySegment.copy(target, 0, dst, 0, r);
                    if (r == target.byteSize() && r < len) {
                        r += receiveMore(dst, r, len);
                    }
                }
                return r;
            }
            if (r == 0) {
                return -1;
            }
            onError(route, -r, true, deadline, "read", "Read timed out");
        }
    }

    /**
     * After a RECV that filled the socket's buffer: takes what else is there, up to {@code len},
     * straight into {@code dst} from {@code from}, without waiting. An error is kept for the next
     * read (the kernel reports it once, and these bytes come first); end of stream shows again.
     */
    private int receiveMore(MemorySegment dst, int from, int len) {
        long n = Sockets.recv(Native.threadCaptureState(), fd.fd(), dst.asSlice(from), len - from, 0);
        if (n > 0) {
            return (int) n;
        }
        if (n < 0 && n != -Errno.EAGAIN && n != -Errno.EINTR) {
            deferredErrno = (int) -n;
        }
        return 0;
    }

    /**
     * Sends from {@code src} (at least one byte, maybe fewer than {@code len}); write lock held.
     *
     * @return bytes sent, at least 1
     */
    public long send(IoRoute route, MemorySegment src, long len, long timeoutNanos) throws IOException {
        boolean direct = src.isNative();
        if (!direct && sendBuffer == null) {
            sendBuffer = fd.memory().allocate(BUFFER_SIZE);
        }
        MemorySegment source;
        if (direct) {
            source = src.asSlice(0, Math.min(len, Integer.MAX_VALUE));
        } else {
            int n = (int) Math.min(len, BUFFER_SIZE);
            MemorySegment.copy(src, 0, sendBuffer, 0, n);
            source = sendBuffer.asSlice(0, n);
        }
        // The write timeout bounds each wait without progress, as in readiness mode.
        long deadline = SocketFd.deadline(timeoutNanos);
        for (;;) {
            int r = run(route, false, source, deadline, "Write timed out");
            if (r > 0) {
                return r;
            }
            onError(route, r == 0 ? Errno.EAGAIN : -r, false, deadline, "write", "Write timed out");
        }
    }

    /** One ring operation: bytes or {@code -errno}; a status becomes its exception, once, in {@link SocketFd}. */
    private int run(IoRoute route, boolean receive, MemorySegment buffer, long deadline, String timeoutMessage)
            throws IOException {
        fd.checkNotClosing();
        long timeoutNanos = 0;
        if (deadline != 0) {
            timeoutNanos = deadline - System.nanoTime();
            if (timeoutNanos <= 0) {
                throw new SocketTimeoutException(timeoutMessage);
            }
        }
        int r = receive ? route.receive(fd.fd(), fd.fixedFile(), buffer, timeoutNanos)
                : route.send(fd.fd(), fd.fixedFile(), buffer, timeoutNanos);
        if (IoStatus.isStatus(r)) {
            throw fd.statusException(route, r, timeoutMessage);
        }
        return r;
    }

    /** A negative result: EAGAIN waits for readiness (the ring gave the request back), EINTR retries. */
    private void onError(IoRoute route, int errno, boolean readable, long deadline, String what,
            String timeoutMessage) throws IOException {
        if (errno == Errno.EAGAIN) {
            fd.await(route, readable, deadline, timeoutMessage);
            return;
        }
        if (errno == Errno.EINTR) {
            return;
        }
        fd.checkNotClosing();
        throw SocketErrors.io(what, errno);
    }
}
