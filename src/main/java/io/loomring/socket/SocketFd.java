package io.loomring.socket;

import io.loomring.ClosedFdException;
import io.loomring.IoRoute;
import io.loomring.IoStatus;
import io.loomring.IoScheduler;
import io.loomring.ffm.Errno;
import io.loomring.ffm.LibC;
import io.loomring.ffm.Native;
import io.loomring.poller.FixedFile;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A non-blocking socket fd, the scheduler it waits on, and the close protocol that keeps the fd
 * number from being reused under a thread that still uses it.
 *
 * <h2>In-flight operations and close</h2>
 * Every operation that touches the fd runs between {@link #begin()} and {@link #end()}. One int,
 * {@code ops}, holds the count of such operations and a {@code CLOSING} bit; {@code begin} refuses
 * once the bit is set. {@link #close()} sets the bit, then, while operations are still in flight,
 * cancels every await on the fd ({@link IoScheduler#cancel}) and parks until the count drains; only
 * then does it {@code close(2)} the fd. An operation that got EAGAIN just before the cancel and arms
 * its await just after is caught by the next cancel round (a short timed park), so close always
 * completes. A blocked thread sees {@link AsynchronousCloseException}; a later one
 * {@link ClosedChannelException}.
 *
 * <p>When no operation is in flight, no await can be armed on the fd (awaits only happen inside
 * operations, and an await whose outcome was decided is removed by the poller on its own), so close
 * skips the round trip to the poller.
 *
 * <h2>Interrupts</h2>
 * As with the JDK's channels, interrupting a thread blocked in an operation closes the socket; the
 * thread gets {@link ClosedByInterruptException} with its interrupt status still set.
 */
public final class SocketFd {
    private static final int CLOSING = 1 << 30;
    private static final int COUNT_MASK = CLOSING - 1;
    /** How long close waits between cancel rounds while operations are still in flight. */
    private static final long CANCEL_RETRY_NANOS = 1_000_000L;

    private static final VarHandle OPS;

    static {
        try {
            OPS = MethodHandles.lookup().findVarHandle(SocketFd.class, "ops", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final IoScheduler scheduler;
    /** Native buffers of this socket; freed by close once no operation is in flight. */
    @SuppressWarnings("this-escape") // only registered with the cleaner at its first allocation
    private final SocketMemory memory = new SocketMemory(this);
    private final ReentrantLock closeLock = new ReentrantLock();
    /** Where a carrier's ring may hold the fd's file; emptied by close before {@code close(2)}. */
    private final FixedFile fixedFile = new FixedFile();
    @SuppressWarnings("unused")
    private volatile int ops;
    private volatile Thread closer;
    private volatile boolean closed;
    private volatile boolean closeOnEnd;
    /** Run by close once no operation is in flight, before the fd closes; or null. */
    private Runnable onClosed;

    /** What owns the fd, for the message of a {@link ClosedFdException}. */
    private final String owner;

    /** @param owner what owns the fd, for example "TcpSocket" */
    public SocketFd(int fd, IoScheduler scheduler, String owner) {
        this.fd = fd;
        this.scheduler = scheduler;
        this.owner = owner;
    }

    /**
     * What close runs once no operation is in flight, before {@code close(2)}: releasing what the
     * socket holds beyond its own memory. Set once, before the socket is used.
     */
    public void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** What owns the fd, as its messages name it. */
    public String owner() {
        return owner;
    }

    /** The exception for a use after close has started, saying of what. */
    public ClosedFdException closedException() {
        return new ClosedFdException(owner + " (fd " + fd + ")");
    }

    /** The fd number; only meaningful between {@link #begin()} and {@link #end()}. */
    public int fd() {
        return fd;
    }

    public IoScheduler scheduler() {
        return scheduler;
    }

    /**
     * The fd's place in a carrier ring's registered-file table, for the ring operations of this
     * socket: close releases it before the fd closes (see {@link FixedFile}).
     */
    public FixedFile fixedFile() {
        return fixedFile;
    }

    /** The socket's native buffers (take them only inside an operation, see {@link SocketMemory}). */
    public SocketMemory memory() {
        return memory;
    }

    /** True once close has started. */
    public boolean isClosing() {
        return ((int) OPS.getVolatile(this) & CLOSING) != 0; // volatile: sees a close begun on any thread
    }

    /**
     * Registers an operation in flight.
     *
     * @throws ClosedChannelException if close has started
     */
    public void begin() throws ClosedChannelException {
        for (;;) {
            int v = (int) OPS.getVolatile(this);
            if ((v & CLOSING) != 0) {
                throw closedException();
            }
            // Volatile CAS: either it counts this operation before close sets CLOSING (and close
            // then waits for it), or it fails and the loop sees CLOSING.
            if (OPS.weakCompareAndSet(this, v, v + 1)) {
                return;
            }
        }
    }

    /** Ends an operation; wakes a waiting closer when it was the last one. */
    public void end() {
        endBackground();
        if (closeOnEnd) {
            closeQuietly(); // waits for the other operations in flight, which it wakes
        }
    }

    /**
     * Ends an operation that ran without its thread, a background send (see {@link WriteBehind}),
     * on whichever thread saw it finish: only counts down, and wakes a waiting closer when it was
     * the last one. It never closes, since that thread may be the carrier.
     */
    public void endBackground() {
        // Volatile add: the operation's accesses to the fd and its buffers happen before a closer
        // that reads the count as zero frees them.
        int v = (int) OPS.getAndAdd(this, -1) - 1;
        if (v == CLOSING) {
            Thread t = closer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Throws {@link AsynchronousCloseException} when close has started (for loops inside an operation). */
    public void checkNotClosing() throws AsynchronousCloseException {
        if (isClosing()) {
            throw new AsynchronousCloseException();
        }
    }

    /** The route of the calling thread's I/O on this fd: chosen once per read, write, connect or accept. */
    public IoRoute route() {
        return scheduler.route(fd);
    }

    /**
     * Parks until the fd is ready for reading or writing, or {@code deadline} (a
     * {@link System#nanoTime} value; 0 for none) passes.
     *
     * @param readable       true to wait for reading, false for writing
     * @param timeoutMessage message of the {@link SocketTimeoutException} thrown on timeout
     */
    public void await(IoRoute route, boolean readable, long deadline, String timeoutMessage) throws IOException {
        checkNotClosing();
        long timeoutNanos = 0;
        if (deadline != 0) {
            timeoutNanos = deadline - System.nanoTime();
            if (timeoutNanos <= 0) {
                throw new SocketTimeoutException(timeoutMessage);
            }
        }
        int status = readable ? route.awaitReadable(fd, timeoutNanos) : route.awaitWritable(fd, timeoutNanos);
        if (status != IoStatus.READY) {
            if (!IoStatus.isStatus(status)) { // the kernel refused the poll
                throw new IOException("cannot await fd " + fd + ": " + Errno.describe(-status));
            }
            throw statusException(route, status, timeoutMessage);
        }
        // A close that began while this thread was parked wins over readiness.
        checkNotClosing();
    }

    /**
     * The one place this package turns an {@link IoRoute} status into the exception a socket
     * throws, as the JDK's sockets do: a timeout while closing is the close's, an interrupt closes
     * the socket.
     */
    public IOException statusException(IoRoute route, int status, String timeoutMessage) {
        return switch (status) {
            case IoStatus.TIMED_OUT -> isClosing()
                    ? new AsynchronousCloseException() : new SocketTimeoutException(timeoutMessage);
            case IoStatus.INTERRUPTED -> closeByInterrupt();
            case IoStatus.CANCELLED -> new AsynchronousCloseException();
            case IoStatus.CLOSED -> route.closedException();
            default -> throw new IllegalArgumentException("not a status: " + status);
        };
    }

    /**
     * An operation was interrupted: as with the JDK's channels the socket closes, once the
     * operation ends (in {@link #end()}: close cannot wait for this very operation).
     */
    private ClosedByInterruptException closeByInterrupt() {
        closeOnEnd = true;
        return new ClosedByInterruptException();
    }

    /** A deadline for {@code timeoutNanos} from now, or 0 for none ({@code timeoutNanos <= 0}). */
    public static long deadline(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            return 0;
        }
        long d = System.nanoTime() + timeoutNanos;
        return d == 0 ? 1 : d;
    }

    /**
     * A timeout as this package carries it: nanoseconds, 0 for none.
     *
     * @throws IllegalArgumentException if negative
     */
    public static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return 0; // beyond ~292 years: no timeout
        }
    }

    /**
     * Closes the fd once no operation is in flight, waking blocked ones first. Idempotent; a
     * concurrent second caller returns once the first has closed the fd.
     */
    public void close() throws IOException {
        closeLock.lock();
        try {
            if (closed) {
                return;
            }
            closer = Thread.currentThread();
            // Volatile add: from here no begin() succeeds, and the count returned is what to wait for.
            int v = (int) OPS.getAndAdd(this, CLOSING);
            if ((v & COUNT_MASK) != 0) {
                drainInFlight();
            }
            closed = true;
            closer = null;
            // Every operation has ended, each by its final completion unless the scheduler closed.
            memory.release(!scheduler.isClosed());
            if (onClosed != null) {
                onClosed.run();
            }
            fixedFile.release(); // a registered file would keep the connection open past close(2)
            int r = LibC.close(Native.threadCaptureState(), fd);
            if (r < 0 && r != -Errno.EINTR) {
                throw new SocketException("close(" + fd + ") failed: " + SocketErrors.describe(-r));
            }
        } finally {
            closeLock.unlock();
        }
    }

    public void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // nothing more to do: the fd is released either way
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void drainInFlight() {
        boolean interrupted = false;
        while (((int) OPS.getVolatile(this) & COUNT_MASK) != 0) { // volatile: pairs with endBackground's add
            scheduler.cancel(fd);
            if (((int) OPS.getVolatile(this) & COUNT_MASK) == 0) {
                break;
            }
            LockSupport.parkNanos(this, CANCEL_RETRY_NANOS);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return closed ? "closed" : "fd=" + fd;
    }
}
