package io.loomring;

import io.loomring.ffm.Poll;
import io.loomring.poller.Await;
import io.loomring.poller.BackgroundOperation;
import io.loomring.poller.Completion;
import io.loomring.poller.FixedFile;
import io.loomring.poller.Multishot;
import io.loomring.poller.Poller;
import io.loomring.poller.RingOperation;
import io.loomring.ring.RingConstants;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Where the calling thread's I/O on one fd goes, chosen once by {@link IoScheduler#route}: the
 * carrier that carries the thread, the sub-poller that serves it, or, for a thread neither serves,
 * a carrier reached through its request queue. A call that awaits and then runs a ring operation
 * (or the other way round) picks its poller once and makes every step through the same route.
 *
 * <p>Outcomes are returned, not thrown: a layer with exceptions of its own (Loomring's sockets, or
 * {@link IoScheduler}'s own methods) maps each outcome to its exception once. Besides bytes and
 * the kernel's negative errno values, a result can be one of the {@link IoStatus} values.
 *
 * <p>A route holds no state of a call: there is one per poller and kind, made with the scheduler,
 * so choosing one allocates nothing. Use it on the thread it was chosen for (another thread would
 * reach the same poller, but through its request queue). Timeouts are nanoseconds, with {@code 0}
 * meaning no limit, as in the JDK.
 */
public final class IoRoute {
    /** {@code AT_FDCWD}: openat's "relative to the working directory". */
    private static final int AT_FDCWD = -100;
    private final Poller poller;
    /** Ring operations can run on this route: io_uring, and the thread's own carrier or sub-poller. */
    private final boolean operations;
    /** Sockets use the ring on this route (operations, and completion I/O not turned off). */
    private final boolean completionMode;
    private final boolean writeBehind;
    /** Sockets may read through multishot receives on this route (completion mode, and asked for). */
    private final boolean multishotReceive;
    /** Listening sockets may accept through multishot accepts on this route (completion mode, and asked for). */
    private final boolean multishotAccept;
    /**
     * True once the scheduler serves no more (any of its pollers stopped): a scan of every poller,
     * so the hot paths of ring operations ask their own poller instead, and this only before an
     * await and for a cancel nobody asked for.
     */
    private final BooleanSupplier closed;
    /** The scheduler's first poller failure, or null: what {@link #closedException()} reports. */
    private final Supplier<Throwable> failure;

    IoRoute(Poller poller, boolean served, SocketModes sockets, BooleanSupplier closed, Supplier<Throwable> failure) {
        this.poller = poller;
        this.operations = served && poller.runsOperations();
        this.completionMode = sockets.completionIo() && operations;
        this.writeBehind = sockets.writeBehind() && completionMode;
        this.multishotReceive = sockets.multishotReceive() && completionMode;
        this.multishotAccept = sockets.multishotAccept() && completionMode;
        this.closed = closed;
        this.failure = failure;
    }

    /**
     * True when Loomring's sockets read and write through the ring on this route
     * ({@link IoScheduler#completionMode()}): ring operations can run here and completion-mode I/O
     * was not turned off ({@link IoScheduler.Builder#completionIo}).
     *
     * @return whether sockets use the ring on this route
     */
    public boolean completionMode() {
        return completionMode && !poller.isTerminated();
    }

    /**
     * True when Loomring's sockets may write behind on this route ({@link IoScheduler#writesBehind()}):
     * {@link #completionMode()}, and write-behind was not turned off
     * ({@link IoScheduler.Builder#writeBehind}).
     *
     * @return whether sockets write behind on this route
     */
    public boolean writesBehind() {
        return writeBehind && !poller.isTerminated();
    }

    /**
     * True when sockets on this route read through multishot receives
     * ({@link IoScheduler.Builder#multishotReceive}): {@link #completionMode()}, multishot receives
     * were asked for, and the route's ring has not refused them.
     *
     * @return whether sockets start multishot receives on this route
     */
    public boolean multishotReceive() {
        return multishotReceive && poller.multishotReceive() && !poller.isTerminated();
    }

    /**
     * True when listening sockets on this route accept through multishot accepts
     * ({@link IoScheduler.Builder#multishotAccept}): {@link #completionMode()}, multishot accepts
     * were asked for, and the route's ring has not refused them.
     *
     * @return whether listening sockets start multishot accepts on this route
     */
    public boolean multishotAccept() {
        return multishotAccept && poller.multishotAccept() && !poller.isTerminated();
    }

    /**
     * Starts {@code request} (a multishot receive or accept) in this route's ring and returns at
     * once; its results and its end come to it from the poller. Where the ring refuses it (or has
     * closed) it is decided at once.
     *
     * @param request a multishot request not started before
     */
    public void startMultishot(Multishot request) {
        poller.startMultishot(request);
    }

    /**
     * True when ring operations run on this route: the backend is io_uring and the thread is carried
     * by the route's carrier or served by its sub-poller, whatever {@link #completionMode()} says of
     * sockets. The file methods below need it.
     *
     * @return whether ring operations run on this route
     */
    public boolean ringOperations() {
        return operations && !poller.isTerminated();
    }

    /**
     * Parks the calling thread until {@code fd} is readable, at most {@code timeoutNanos} (0: no
     * limit).
     *
     * @param fd           the file descriptor to wait for
     * @param timeoutNanos the longest time to park, in nanoseconds; 0 for no limit
     * @return {@link IoStatus#READY}, {@link IoStatus#TIMED_OUT}, {@link IoStatus#INTERRUPTED},
     *         {@link IoStatus#CANCELLED}, {@link IoStatus#CLOSED}, or {@code -errno} when the kernel
     *         refused the poll
     * @throws IllegalArgumentException if {@code fd} or {@code timeoutNanos} is negative
     */
    public int awaitReadable(int fd, long timeoutNanos) {
        return await(fd, Poll.POLLIN, timeoutNanos);
    }

    /**
     * Parks the calling thread until {@code fd} is writable, as {@link #awaitReadable}.
     *
     * @param fd           the file descriptor to wait for
     * @param timeoutNanos the longest time to park, in nanoseconds; 0 for no limit
     * @return as {@link #awaitReadable}
     */
    public int awaitWritable(int fd, long timeoutNanos) {
        return await(fd, Poll.POLLOUT, timeoutNanos);
    }

    /** Parks until {@code fd} has one of {@code events}; see {@link #awaitReadable}. */
    int await(int fd, int events, long timeoutNanos) {
        checkArguments(fd, timeoutNanos);
        if (closed.getAsBoolean()) {
            return IoStatus.CLOSED;
        }
        Thread thread = Thread.currentThread();
        if (thread.isInterrupted()) {
            return IoStatus.INTERRUPTED;
        }
        Await w = new Await(thread, fd, events);
        poller.submit(w);
        // On its own timeout or interrupt the await is queued again, so the poller removes the poll.
        int state = w.awaitOutcome(timeoutNanos, () -> poller.submit(w));
        return switch (state) {
            case Completion.READY -> IoStatus.READY;
            case Completion.TIMED_OUT -> IoStatus.TIMED_OUT;
            case Completion.INTERRUPTED -> IoStatus.INTERRUPTED;
            case Completion.CANCELLED -> IoStatus.CANCELLED;
            case Completion.FAILED -> -w.errno();
            case Completion.CLOSED -> IoStatus.CLOSED;
            default -> throw new IllegalStateException("unknown await state " + state);
        };
    }

    /**
     * Completion-mode {@code recv(2)} into {@code buffer} (see {@link IoScheduler#receive}): the
     * thread parks until the {@code RECV}'s final completion; a timeout or an interrupt cancels it
     * and still waits for that completion, so {@code buffer} is never written after this returns.
     *
     * @param fd           the socket's file descriptor
     * @param buffer       native memory to receive into
     * @param timeoutNanos the longest time to wait, in nanoseconds; 0 for no limit
     * @return bytes received (0 at end of stream), {@code -errno}, {@link IoStatus#TIMED_OUT},
     *         {@link IoStatus#INTERRUPTED}, {@link IoStatus#CANCELLED} or {@link IoStatus#CLOSED}
     * @throws IllegalStateException    unless ring operations run on this route (the thread is
     *                                  carried by an io_uring carrier, or an io_uring sub-poller
     *                                  serves it)
     * @throws IllegalArgumentException if {@code fd} or {@code timeoutNanos} is negative, or
     *                                  {@code buffer} is not native memory
     */
    public int receive(int fd, MemorySegment buffer, long timeoutNanos) {
        return operation(fd, null, RingConstants.OP_RECV, buffer, timeoutNanos);
    }

    /**
     * As {@link #receive(int, MemorySegment, long)}, for a socket whose owner
     * {@linkplain FixedFile#release releases} {@code file} before it closes the fd: a carrier's
     * ring may then run it on a registered file ({@link IoScheduler.Builder#fixedFiles}).
     *
     * @param fd           the socket's file descriptor
     * @param file         the socket's registered-file place, or null
     * @param buffer       native memory to receive into
     * @param timeoutNanos the longest time to wait, in nanoseconds; 0 for no limit
     * @return as {@link #receive(int, MemorySegment, long)}
     */
    public int receive(int fd, FixedFile file, MemorySegment buffer, long timeoutNanos) {
        return operation(fd, file, RingConstants.OP_RECV, buffer, timeoutNanos);
    }

    /**
     * Completion-mode {@code send(2)} from {@code buffer} (with {@code MSG_NOSIGNAL}), as
     * {@link #receive}; it may send fewer bytes than {@code buffer} holds.
     *
     * @param fd           the socket's file descriptor
     * @param buffer       native memory holding the bytes to send
     * @param timeoutNanos the longest time to wait, in nanoseconds; 0 for no limit
     * @return bytes sent, {@code -errno}, or one of the statuses {@link #receive} returns
     */
    public int send(int fd, MemorySegment buffer, long timeoutNanos) {
        return operation(fd, null, RingConstants.OP_SEND, buffer, timeoutNanos);
    }

    /**
     * As {@link #send(int, MemorySegment, long)}, for a socket that releases {@code file} (see
     * {@link #receive(int, FixedFile, MemorySegment, long)}).
     *
     * @param fd           the socket's file descriptor
     * @param file         the socket's registered-file place, or null
     * @param buffer       native memory holding the bytes to send
     * @param timeoutNanos the longest time to wait, in nanoseconds; 0 for no limit
     * @return as {@link #send(int, MemorySegment, long)}
     */
    public int send(int fd, FixedFile file, MemorySegment buffer, long timeoutNanos) {
        return operation(fd, file, RingConstants.OP_SEND, buffer, timeoutNanos);
    }

    /**
     * Starts a completion-mode send of all of {@code buffer} and returns at once (write-behind; see
     * {@link IoScheduler#sendInBackground} for what the caller must keep alive until
     * {@code onDone} has run).
     *
     * @param fd     the socket's file descriptor
     * @param buffer native memory holding the bytes to send
     * @param onDone what to run once the send's final completion is in
     * @return the send in flight, whose outcome {@link BackgroundSend#await} gives
     * @throws IOException              if the scheduler is closed
     * @throws IllegalStateException    unless ring operations run on this route
     * @throws IllegalArgumentException if {@code fd} is negative or {@code buffer} is not native
     */
    public BackgroundSend sendInBackground(int fd, MemorySegment buffer, Runnable onDone) throws IOException {
        return sendInBackground(fd, null, buffer, onDone);
    }

    /**
     * As {@link #sendInBackground(int, MemorySegment, Runnable)}, for a socket that releases
     * {@code file} (see {@link #receive(int, FixedFile, MemorySegment, long)}).
     *
     * @param fd     the socket's file descriptor
     * @param file   the socket's registered-file place, or null
     * @param buffer native memory holding the bytes to send
     * @param onDone what to run once the send's final completion is in
     * @return the send in flight
     * @throws IOException if the scheduler is closed
     */
    public BackgroundSend sendInBackground(int fd, FixedFile file, MemorySegment buffer, Runnable onDone)
            throws IOException {
        Objects.requireNonNull(onDone, "onDone");
        checkOperation(fd, buffer, 0);
        if (poller.isTerminated()) {
            throw closedException();
        }
        BackgroundOperation op = new BackgroundOperation(fd, RingConstants.OP_SEND, buffer.address(),
                length(buffer), onDone);
        op.onFixedFile(file);
        poller.startOperation(op);
        return new BackgroundSend(poller, op, closed, failure);
    }

    // ------------------------------------------------------------------------------ file operations
    // No timeouts: a disk operation ends on its own. An interrupt cancels one and still waits for its
    // final completion, which reports what happened (bytes, or -ECANCELED when nothing did).

    /**
     * {@code pread(2)} into {@code buffer} at {@code position}, or at the file position (advancing
     * it) when {@code position} is {@code -1}.
     *
     * @param fd       the file's descriptor
     * @param buffer   native memory to read into
     * @param position the offset in the file, or {@code -1} for the file position
     * @return bytes read (0 at end of file), {@code -errno}, {@link IoStatus#INTERRUPTED} (the
     *         interrupt came before it started), {@link IoStatus#CANCELLED} or {@link IoStatus#CLOSED}
     * @throws IllegalStateException    unless {@link #ringOperations()}
     * @throws IllegalArgumentException if {@code fd} is negative or {@code buffer} is not native
     */
    public int read(int fd, MemorySegment buffer, long position) {
        checkOperation(fd, buffer, 0);
        return run(fd, null, RingConstants.OP_READ, buffer.address(), length(buffer), position, 0, 0L);
    }

    /**
     * {@code pwrite(2)} from {@code buffer}, as {@link #read}; it may write fewer bytes.
     *
     * @param fd       the file's descriptor
     * @param buffer   native memory holding the bytes to write
     * @param position the offset in the file, or {@code -1} for the file position
     * @return bytes written, {@code -errno}, or a status as {@link #read}
     */
    public int write(int fd, MemorySegment buffer, long position) {
        checkOperation(fd, buffer, 0);
        return run(fd, null, RingConstants.OP_WRITE, buffer.address(), length(buffer), position, 0, 0L);
    }

    /**
     * {@code preadv(2)} into the {@code count} iovecs at {@code iovecs} (native, and with every
     * buffer they name alive until this returns), as {@link #read}.
     *
     * @param fd       the file's descriptor
     * @param iovecs   native memory holding the {@code struct iovec} entries
     * @param count    how many entries {@code iovecs} holds
     * @param position the offset in the file, or {@code -1} for the file position
     * @return bytes read (0 at end of file), {@code -errno}, or a status as {@link #read}
     */
    public int readVector(int fd, MemorySegment iovecs, int count, long position) {
        checkOperation(fd, iovecs, 0);
        return run(fd, null, RingConstants.OP_READV, iovecs.address(), count, position, 0, 0L);
    }

    /**
     * {@code pwritev(2)} from the {@code count} iovecs at {@code iovecs}, as {@link #readVector}.
     *
     * @param fd       the file's descriptor
     * @param iovecs   native memory holding the {@code struct iovec} entries
     * @param count    how many entries {@code iovecs} holds
     * @param position the offset in the file, or {@code -1} for the file position
     * @return bytes written, {@code -errno}, or a status as {@link #read}
     */
    public int writeVector(int fd, MemorySegment iovecs, int count, long position) {
        checkOperation(fd, iovecs, 0);
        return run(fd, null, RingConstants.OP_WRITEV, iovecs.address(), count, position, 0, 0L);
    }

    /**
     * {@code fsync(2)}, or {@code fdatasync(2)} when {@code dataOnly}.
     *
     * @param fd       the file's descriptor
     * @param dataOnly true for {@code fdatasync(2)}: the data and only the metadata needed to read it
     * @return 0, {@code -errno}, or a status as {@link #read}
     */
    public int sync(int fd, boolean dataOnly) {
        checkOperation(fd, MemorySegment.NULL, 0);
        return run(fd, null, RingConstants.OP_FSYNC, 0L, 0, 0L, dataOnly ? RingConstants.FSYNC_DATASYNC : 0, 0L);
    }

    /**
     * {@code ftruncate(2)} to {@code length} bytes (Linux 6.9 or later: {@code -EINVAL} before).
     *
     * @param fd     the file's descriptor
     * @param length the file's new size in bytes
     * @return 0, {@code -errno}, or a status as {@link #read}
     */
    public int truncate(int fd, long length) {
        checkOperation(fd, MemorySegment.NULL, 0);
        return run(fd, null, RingConstants.OP_FTRUNCATE, 0L, 0, length, 0, 0L);
    }

    /**
     * {@code openat(AT_FDCWD, path, flags, mode)}: opening may wait too (a FIFO until its other end
     * opens, a network file system). If the open completes although it was cancelled, the caller
     * owns the returned fd and must close it.
     *
     * @param path  a NUL-terminated path in native memory
     * @param flags the {@code open(2)} flags, for example {@code O_RDONLY | O_CLOEXEC}
     * @param mode  the permission bits of a file it creates ({@code O_CREAT})
     * @return the new fd, {@code -errno}, or a status as {@link #read}
     */
    public int open(MemorySegment path, int flags, int mode) {
        checkOperation(0, path, 0);
        return run(AT_FDCWD, null, RingConstants.OP_OPENAT, path.address(), mode, 0L, flags, 0L);
    }

    /** {@return the exception for a {@link IoStatus#CLOSED} outcome: the scheduler closed, or why a poller failed} */
    public IOException closedException() {
        return Outcomes.closed(failure.get());
    }

    @Override
    public String toString() {
        return "IoRoute[" + poller.carrierThread().getName() + (operations ? ", ring operations" : "") + "]";
    }

    private int operation(int fd, FixedFile file, byte opcode, MemorySegment buffer, long timeoutNanos) {
        checkOperation(fd, buffer, timeoutNanos);
        return run(fd, file, opcode, buffer.address(), length(buffer), 0L, 0, timeoutNanos);
    }

    /** One ring operation of the calling thread, its arguments checked: its outcome as a value. */
    private int run(int fd, FixedFile file, byte opcode, long address, int length, long offset, int opFlags,
                    long timeoutNanos) {
        if (poller.isTerminated()) {
            return IoStatus.CLOSED;
        }
        if (Thread.currentThread().isInterrupted()) {
            return IoStatus.INTERRUPTED;
        }
        RingOperation op = opcode == RingConstants.OP_SEND
                ? RingOperation.sendOfCurrentThread(fd, address, length, timeoutNanos == 0)
                : RingOperation.ofCurrentThread(fd, opcode, address, length, offset, opFlags);
        op.onFixedFile(file);
        if (poller.runOperation(op, timeoutNanos) == Completion.CLOSED) {
            return IoStatus.CLOSED;
        }
        return Outcomes.operationResult(op, closed);
    }

    private void checkOperation(int fd, MemorySegment buffer, long timeoutNanos) {
        checkArguments(fd, timeoutNanos);
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("completion-mode I/O needs native memory (the kernel writes it later)");
        }
        if (!operations) {
            throw new IllegalStateException("completion-mode I/O runs only on threads carried by an io_uring carrier"
                    + " of this scheduler, or on ordinary virtual threads its io_uring sub-pollers serve"
                    + " (see IoScheduler.completionMode())");
        }
    }

    private static void checkArguments(int fd, long timeoutNanos) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0: " + fd);
        }
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeoutNanos must be >= 0 (0: no limit): " + timeoutNanos);
        }
    }

    private static int length(MemorySegment buffer) {
        return (int) Math.min(buffer.byteSize(), Integer.MAX_VALUE);
    }
}
