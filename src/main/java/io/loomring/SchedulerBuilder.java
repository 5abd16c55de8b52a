package io.loomring;

import io.loomring.ffm.EpollSyscalls;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.poller.uring.RingLevers;
import io.loomring.poller.uring.SendZeroCopy;
import io.loomring.ring.RingConstants;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What {@link IoScheduler.Builder} sets, with each setting's default and check; the builder adds
 * only {@code build()}. A class of its own to keep the scheduler's file to the scheduler: the
 * settings are public through the builder, which is this class's only subclass.
 */
abstract sealed class SchedulerBuilder permits IoScheduler.Builder {
    private Backend backend = Backend.AUTO;
    private int ringEntries = BackendSelector.DEFAULT_ENTRIES;
    private IoUringSyscalls syscalls = IoUringSyscalls.kernel();
    private EpollSyscalls epollSyscalls = EpollSyscalls.kernel();
    private int carriers = SchedulerSettings.defaultCarriers();
    private int subPollers = SchedulerSettings.defaultSubPollers();
    private boolean completionIo = true;
    private boolean writeBehind = true;
    private boolean cooperativeTaskRun = true;
    private boolean balanceCarriers = true;
    private boolean adoptVirtualThreads;
    /** The system properties' socket modes: where the multishot switches start from. */
    private final SocketModes propertyModes = SocketModes.fromSystemProperties();
    private boolean multishotReceive = propertyModes.multishotReceive();
    private boolean multishotAccept = propertyModes.multishotAccept();
    private boolean sendZeroCopy;
    private int sendZeroCopyThreshold = SendZeroCopy.DEFAULT_THRESHOLD;
    /** The system properties' registered-file slots (0: off): where the switch starts from. */
    private final int propertyFixedFileSlots = RingLevers.fixedFileSlotsFromSystemProperties();
    private boolean fixedFiles = propertyFixedFileSlots > 0;
    private int fixedFileSlots = fixedFiles ? propertyFixedFileSlots : RingLevers.DEFAULT_FIXED_FILE_SLOTS;
    private boolean incrementalReceiveBuffers = RingLevers.incrementalBuffersFromSystemProperties();
    private Executor subPollerScheduler;

    /**
     * Whether the sub-pollers' io_uring rings ask for cooperative task work (COOP_TASKRUN,
     * Linux 5.19+): the kernel then posts a completion at the submitting thread's next kernel
     * entry instead of interrupting it, which can hold a completion back until the next
     * scheduler tick (at most 1/HZ) behind a thread that computes in user space. Default true;
     * for {@link IoScheduler#shared()} the system property {@code loomring.cooperativeTaskRun=false}
     * turns it off. Carriers' rings are not affected.
     *
     * @param enabled whether the sub-pollers' rings ask for cooperative task work
     * @return this builder
     */
    public IoScheduler.Builder cooperativeTaskRun(boolean enabled) {
        this.cooperativeTaskRun = enabled;
        return self();
    }

    /**
     * Whether sockets may return from a write in completion mode once its bytes are queued in
     * the ring ({@link IoScheduler#writesBehind()}). Default true; for {@link IoScheduler#shared()}:
     * {@code loomring.writeBehind=false}.
     *
     * @param enabled whether sockets may write behind
     * @return this builder
     */
    public IoScheduler.Builder writeBehind(boolean enabled) {
        this.writeBehind = enabled;
        return self();
    }

    /**
     * Whether sockets that read through the ring ({@link #completionIo(boolean)}) do so with one multishot
     * {@code RECV} per socket and a ring of provided buffers per carrier or sub-poller (Linux
     * 6.0+; elsewhere reads stay single {@code RECV}s): bytes that arrive while no thread reads
     * wait in those buffers, and a read finds them without a submission. Applies to
     * {@code TcpSocket} and the {@code java.net} sockets, not to NIO channels (a selector cannot
     * see bytes held in the buffers). Default true (measured: about 8% less CPU per request on
     * HTTP, carried and ordinary threads alike), or the system property
     * {@code loomring.multishotReceive=false}.
     *
     * @param enabled whether sockets read through multishot receives
     * @return this builder
     */
    public IoScheduler.Builder multishotReceive(boolean enabled) {
        this.multishotReceive = enabled;
        return self();
    }

    /**
     * Whether a blocking accept on a thread whose I/O goes through the ring ({@link #completionIo(boolean)})
     * starts one multishot {@code ACCEPT} on its listening socket (Linux 5.19+; elsewhere accepts
     * stay {@code accept4(2)} and a wait for readiness): the kernel accepts each connection as it
     * comes, and later accepts take them without a syscall. Applies to {@code TcpServerSocket}
     * and {@code java.net.ServerSocket}s on Loomring, not to NIO channels (a selector could not
     * see connections already taken from the kernel). Default false, or the system property
     * {@code loomring.multishotAccept=true}.
     *
     * @param enabled whether listening sockets accept through multishot accepts
     * @return this builder
     */
    public IoScheduler.Builder multishotAccept(boolean enabled) {
        this.multishotAccept = enabled;
        return self();
    }

    /**
     * Whether completion-mode sends of at least {@link #sendZeroCopyThreshold(int)} bytes go as
     * {@code SEND_ZC} (Linux 6.0+; io_uring only): the socket references the sender's pages
     * instead of copying them. Only sends whose buffer stays untouched until their end take it:
     * write-behind, and a thread's send without a write timeout (a timed one takes the ordinary
     * {@code SEND}). Such a send ends when the kernel is done with the pages, which for TCP is
     * when the peer has acknowledged the bytes, not when they are queued; if it is cancelled
     * (close, interrupt) after the kernel took its bytes, the connection is reset, since the
     * pages would otherwise stay in use until a peer that stopped reading reads again. A
     * kernel without it sends as before. Default false; for {@link IoScheduler#shared()}:
     * {@code loomring.sendZeroCopy=true}.
     *
     * @param enabled whether large sends go zero-copy
     * @return this builder
     */
    public IoScheduler.Builder sendZeroCopy(boolean enabled) {
        this.sendZeroCopy = enabled;
        return self();
    }

    /**
     * The fewest bytes a send needs to go as {@code SEND_ZC} when {@link #sendZeroCopy(boolean)} is on;
     * smaller ones take the ordinary {@code SEND}. Default 16384; for {@link IoScheduler#shared()}:
     * {@code loomring.sendZeroCopyThreshold}.
     *
     * @param bytes the threshold in bytes
     * @return this builder
     * @throws IllegalArgumentException unless at least 1
     */
    public IoScheduler.Builder sendZeroCopyThreshold(int bytes) {
        this.sendZeroCopyThreshold = new SendZeroCopy(true, bytes).threshold(); // checks the range
        return self();
    }

    /**
     * Whether each carrier's ring registers the files of the sockets it serves
     * ({@code IORING_REGISTER_FILES}, Linux 5.5+; io_uring only): their requests then skip the
     * kernel's fd lookup. A socket takes a slot of one carrier's table at its first operation
     * there and gives it back when it closes (two {@code io_uring_register} calls per socket;
     * a close from a thread the carrier does not carry waits for the carrier); a socket whose
     * carrier's table is full, or whose threads run on another carrier, uses its plain fd.
     * Sub-pollers' rings do not register files. Default false, or the system property
     * {@code loomring.fixedFiles=true}.
     *
     * @param enabled whether carriers' rings register their sockets' files
     * @return this builder
     */
    public IoScheduler.Builder fixedFiles(boolean enabled) {
        this.fixedFiles = enabled;
        return self();
    }

    /**
     * Whether the kernel fills the provided buffers of multishot receives a receive at a time
     * ({@code IOU_PBUF_RING_INC}, Linux 6.12+; io_uring only) instead of taking a whole buffer
     * for each receive: small messages then share a buffer, which goes back to the kernel once
     * every socket has read its part. A kernel without it takes whole buffers. Default false,
     * or the system property {@code loomring.incrementalReceiveBuffers=true}.
     *
     * @param enabled whether provided buffers are filled incrementally
     * @return this builder
     */
    public IoScheduler.Builder incrementalReceiveBuffers(boolean enabled) {
        this.incrementalReceiveBuffers = enabled;
        return self();
    }

    /**
     * The registered-file slots of each carrier's ring when {@link #fixedFiles(boolean)} is on (the
     * kernel keeps 8 bytes a slot). Default 4096, or the system property
     * {@code loomring.fixedFileSlots}.
     *
     * @param slots slots per carrier ring
     * @return this builder
     * @throws IllegalArgumentException unless in [1, 1048576]
     */
    public IoScheduler.Builder fixedFileSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("fixedFileSlots must be in [1, 1048576]: " + slots);
        }
        this.fixedFileSlots = new RingLevers(SendZeroCopy.OFF, slots, false).fixedFileSlots(); // checks the range
        return self();
    }

    /**
     * Whether carried threads may move to a less busy carrier at the start of an I/O call, and
     * threads started on a busy carrier start on a less busy one, when one carrier works much
     * more than another (see {@link IoScheduler#carrierBusyNanos()}); and whether a thread
     * started by a carried thread may start on another carrier that sleeps with nothing to run
     * (threads from the scheduler's thread factory stay where it placed them). Default true; for
     * {@link IoScheduler#shared()}: {@code loomring.balanceCarriers=false}.
     *
     * @param enabled whether carried threads may move to a less busy carrier
     * @return this builder
     */
    public IoScheduler.Builder balanceCarriers(boolean enabled) {
        this.balanceCarriers = enabled;
        return self();
    }

    /**
     * Whether ordinary virtual threads (those on the JDK's scheduler, started by platform threads
     * or by other ordinary virtual threads) move to the carriers at their first I/O call through
     * this scheduler: from their next park on they run on a carrier, as if a carried thread had
     * started them, and so do the threads they start. This is how an application carries threads
     * its frameworks start from platform threads (a server's accept loop). Such a thread holds its
     * carrier in whatever blocks its platform thread (a file write of the JDK's own file system, a
     * native call), where the JDK's scheduler would add a worker meanwhile: turn it on for code
     * known to wait only through Loomring. A thread that parks nowhere (its I/O never waits)
     * moves only at its next park. Should this scheduler close, its threads go on on the JDK's
     * common pool, as carried threads do. No effect where threads cannot be carried
     * ({@link IoScheduler#carrierReason()}). Default
     * false; for {@link IoScheduler#shared()}: {@code loomring.adoptVirtualThreads=true}.
     *
     * @param enabled whether ordinary virtual threads move to the carriers at their first I/O call
     * @return this builder
     */
    public IoScheduler.Builder adoptVirtualThreads(boolean enabled) {
        this.adoptVirtualThreads = enabled;
        return self();
    }

    /**
     * Whether sockets read and write through the ring (RECV/SEND) where they can; false keeps
     * them in readiness mode (a non-blocking syscall, a poll on EAGAIN). Default true; for
     * {@link IoScheduler#shared()}: {@code loomring.socketIo=readiness}.
     *
     * @param enabled true for reads and writes through the ring, false for readiness mode
     * @return this builder
     */
    public IoScheduler.Builder completionIo(boolean enabled) {
        this.completionIo = enabled;
        return self();
    }

    /**
     * How many carriers (platform threads with a ring or epoll set each, carrying virtual
     * threads). Default: the available processors.
     *
     * @param carriers the number of carriers
     * @return this builder
     * @throws IllegalArgumentException unless 1..1024
     */
    public IoScheduler.Builder carriers(int carriers) {
        this.carriers = SchedulerSettings.checkCarriers(carriers);
        return self();
    }

    /**
     * How many sub-pollers serve ordinary virtual threads; 0 sends their awaits to the carriers.
     * Default: {@link IoScheduler.Builder#defaultSubPollers()}; for {@link IoScheduler#shared()}: {@code loomring.subPollers}.
     *
     * @param subPollers the number of sub-pollers
     * @return this builder
     * @throws IllegalArgumentException unless 0..1024
     */
    public IoScheduler.Builder subPollers(int subPollers) {
        this.subPollers = SchedulerSettings.checkSubPollers(subPollers);
        return self();
    }

    /**
     * The backend to use; {@link Backend#AUTO} (the default) tries io_uring first.
     *
     * @param backend the backend
     * @return this builder
     */
    public IoScheduler.Builder backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return self();
    }

    /**
     * Submission-queue entries of each io_uring ring (the CQ gets twice as many; the kernel
     * rounds up to a power of two). Default 256; ignored by epoll.
     *
     * @param entries the submission-queue size of each ring
     * @return this builder
     * @throws IllegalArgumentException unless 1..32768
     */
    public IoScheduler.Builder ringEntries(int entries) {
        if (entries < 1 || entries > RingConstants.MAX_ENTRIES) {
            throw new IllegalArgumentException("ringEntries must be in [1, 32768]: " + entries);
        }
        this.ringEntries = entries;
        return self();
    }

    /** Test seam: the io_uring syscall layer (to inject kernel failures). */
    IoScheduler.Builder syscalls(IoUringSyscalls syscalls) {
        this.syscalls = Objects.requireNonNull(syscalls, "syscalls");
        return self();
    }

    /** Test seam: the scheduler of the sub-pollers' virtual threads (default: the JDK's). */
    IoScheduler.Builder subPollerScheduler(Executor scheduler) {
        this.subPollerScheduler = Objects.requireNonNull(scheduler, "scheduler");
        return self();
    }

    /** Test seam: the epoll syscall layer (to inject kernel failures). */
    IoScheduler.Builder epollSyscalls(EpollSyscalls syscalls) {
        this.epollSyscalls = Objects.requireNonNull(syscalls, "syscalls");
        return self();
    }

    /** The scheduler's settings: selects the backend and starts its pollers. */
    SchedulerSettings settings() {
        BackendSelector.Selection selection = BackendSelector.select(backend, "the builder", ringEntries,
                syscalls, epollSyscalls, carriers, subPollers, cooperativeTaskRun,
                new RingLevers(new SendZeroCopy(sendZeroCopy, sendZeroCopyThreshold), fixedFiles ? fixedFileSlots : 0,
                        incrementalReceiveBuffers),
                subPollerScheduler);
        return new SchedulerSettings(selection,
                new SocketModes(completionIo, writeBehind, multishotReceive, multishotAccept), balanceCarriers,
                adoptVirtualThreads);
    }

    private IoScheduler.Builder self() {
        return (IoScheduler.Builder) this;
    }
}
