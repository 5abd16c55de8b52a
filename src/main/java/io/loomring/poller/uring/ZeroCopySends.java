package io.loomring.poller.uring;

import static io.loomring.ring.RingConstants.CQE_F_MORE;
import static io.loomring.ring.RingConstants.CQE_F_NOTIF;

import io.loomring.ffm.Errno;
import io.loomring.ffm.IoUringSyscalls;
import io.loomring.ffm.Sockets;
import io.loomring.poller.BackendAccess;
import io.loomring.poller.Operation;
import io.loomring.poller.PollerCounters;
import io.loomring.ring.IoUring;
import io.loomring.ring.RingConstants;
import io.loomring.ring.SubmissionQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One ring's {@code SEND_ZC} (Linux 6.0): sends of at least the threshold whose buffer stays
 * untouched until their decision ({@link Operation#mayZeroCopy()}: a background send, or a thread's
 * send without timeout) go as {@code SEND_ZC}, the socket referencing their pages instead of
 * copying them. Off unless asked for ({@link SendZeroCopy}).
 *
 * <p><b>Two CQEs.</b> The first carries the result (bytes or {@code -errno}) and, when a
 * notification follows, {@code F_MORE}; the notification ({@code F_NOTIF}, same user_data) comes
 * once the kernel no longer references the pages, which for TCP is when the peer has acknowledged
 * the bytes. The operation keeps its slot in between, its first result kept in the operation
 * itself ({@code zeroCopyResult}, with its stage), and is decided only by the notification, with
 * that result: so its thread, or a background send's {@code onDone}, gives the buffer back only
 * when the kernel is done with it. Without {@code F_MORE} the first CQE decides.
 *
 * <p><b>Cancel.</b> Before the first CQE an {@code ASYNC_CANCEL} works as for {@code SEND}. After
 * it nothing is left to cancel: the bytes are in the socket's queue, and a peer that stopped
 * reading never acknowledges them, so the notification would never come and a close waiting for
 * the send would hang. A cancel then (a close, an interrupt, {@code cancel(fd)}, the scheduler's
 * close; timeouts never get here, since a timed send takes {@code SEND}) resets the connection
 * ({@code connect(AF_UNSPEC)}: the kernel drops the queued bytes and their pages, sends RST, and
 * posts the notification at once). The result stays the first CQE's: no byte is lost or counted
 * twice. (A datagram socket would lose its association; Loomring's datagram channels do not send
 * through the ring.)
 *
 * <p><b>Refusals.</b> A kernel without the opcode answers {@code EINVAL} (then the ring stops
 * asking; before that, one without {@code REPORT_USAGE}, 6.0 and 6.1, refuses that flag the same
 * way and the ring asks without it); a socket without zero-copy support (AF_UNIX) answers
 * {@code EOPNOTSUPP}, and a send beyond the locked-memory limit its pages are charged to answers
 * {@code ENOMEM}. Nothing was sent then: the operation goes again as {@code SEND}, the caller sees
 * nothing of it.
 *
 * <p>Poller thread only.
 */
final class ZeroCopySends extends BackendAccess {
    private static final System.Logger LOG = System.getLogger("io.loomring");
    /** What {@link #onCompletion} returns for a CQE that decides nothing yet: the notification is to come. */
    static final int NOT_YET = Integer.MIN_VALUE;
    /** What {@link #onCompletion} returns for a refused send: release its slot and start it again (as SEND). */
    static final int SEND_AGAIN = Integer.MIN_VALUE + 1;

    // Stages of an operation (its zeroCopyStage); 0 for every operation never sent zero-copy.
    private static final byte NONE = 0;
    /** A SEND_ZC in the kernel; its first CQE is still to come. */
    private static final byte SENT = 1;
    /** The first CQE is in (its result kept), the notification is still to come. */
    private static final byte NOTIFYING = 2;
    /** As NOTIFYING, and the connection was reset to bring the notification. */
    private static final byte RESET = 3;
    /** The kernel refused SEND_ZC for it: it goes (or went) as SEND. */
    private static final byte REFUSED = 4;

    /** An opcode the kernel does not define: it fails the request with EINVAL (the test seam's). */
    private static final byte UNDEFINED_OPCODE = (byte) 0xff;
    /** A sockaddr of family AF_UNSPEC (all zero): connect() to it disconnects. */
    private static final MemorySegment UNSPECIFIED = Arena.global().allocate(Sockets.SOCKADDR_STORAGE_SIZE, 8);

    private final SendZeroCopy settings;
    private final IoUringSyscalls sys;
    private final PollerCounters counters;
    /** The kernel has the opcode (probed at open). */
    private boolean supported;
    /** The ring's errno segment, for the reset's {@code connect} (see {@code IoUringSyscalls}). */
    private MemorySegment capture;
    /** Sends go zero-copy: asked for, supported, and not refused with EINVAL since. */
    private boolean on;
    /** The ioprio flags: REPORT_USAGE until the kernel refuses it. */
    private int zcFlags = RingConstants.SEND_ZC_REPORT_USAGE;

    ZeroCopySends(SendZeroCopy settings, IoUringSyscalls sys, PollerCounters counters) {
        this.settings = settings;
        this.sys = sys;
        this.counters = counters;
    }

    /** Probes the kernel (once the ring is set up). */
    void open(IoUring ring) {
        capture = ring.capture();
        supported = settings.enabled() && ring.supportsOpcode(RingConstants.OP_SEND_ZC);
        on = supported;
    }

    /** For the backend's description: empty when not asked for. */
    String describe() {
        if (!settings.enabled()) {
            return "";
        }
        return supported ? ", SEND_ZC for sends of " + settings.threshold() + " bytes or more"
                : ", SEND_ZC asked for but not supported by this kernel";
    }

    /** True when {@code op} goes as SEND_ZC now. */
    boolean takes(Operation op) {
        return on && op.opcode() == RingConstants.OP_SEND && op.mayZeroCopy()
                && op.length() >= settings.threshold() && zeroCopyStage(op) != REFUSED;
    }

    /** Queues {@code op} as SEND_ZC; {@code msgFlags} as a SEND's. False when the SQ is full. */
    boolean queue(SubmissionQueue sq, Operation op, int msgFlags, long userData) {
        byte opcode = sys.refuseSendZeroCopy() ? UNDEFINED_OPCODE : RingConstants.OP_SEND_ZC;
        if (!sq.sendZeroCopy(opcode, op.fd(), op.address(), op.length(), msgFlags, zcFlags, userData)) {
            return false;
        }
        setZeroCopyStage(op, SENT);
        counters.add(PollerCounters.ZERO_COPY_SENDS, 1);
        return true;
    }

    /** True when {@code op} is a SEND_ZC in the kernel: its CQEs go to {@link #onCompletion}. */
    boolean inKernel(Operation op) {
        byte stage = zeroCopyStage(op);
        return stage == SENT || stage == NOTIFYING || stage == RESET;
    }

    /**
     * A CQE of a SEND_ZC in the kernel.
     *
     * @return the result that decides {@code op} (its slot to be released), {@link #NOT_YET}, or
     *         {@link #SEND_AGAIN}
     */
    int onCompletion(Operation op, int res, int flags) {
        if ((flags & CQE_F_NOTIF) != 0) {
            if ((res & RingConstants.NOTIF_USAGE_ZC_COPIED) != 0) {
                counters.add(PollerCounters.ZERO_COPY_COPIED, 1);
            }
            return finish(op);
        }
        setZeroCopyResult(op, res);
        if ((flags & CQE_F_MORE) == 0) {
            return finish(op); // no notification follows
        }
        setZeroCopyStage(op, NOTIFYING);
        if (res > 0 && isCancelSubmitted(op)) {
            reset(op); // cancelled while the bytes went in: whoever asked still wants out
        }
        return NOT_YET;
    }

    /**
     * A cancel of {@code op}: true when it is past its first CQE and so handled here (nothing in
     * the kernel to cancel; the connection is reset if bytes went); false to cancel it as a SEND.
     */
    boolean cancel(Operation op) {
        byte stage = zeroCopyStage(op);
        if (stage != NOTIFYING && stage != RESET) {
            return false;
        }
        markCancelSubmitted(op); // a refusal is then not sent again
        if (stage == NOTIFYING && zeroCopyResult(op) > 0) {
            reset(op);
        }
        return true;
    }

    private int finish(Operation op) {
        int res = zeroCopyResult(op);
        setZeroCopyStage(op, NONE);
        boolean refused = res == -Errno.EINVAL || res == -Errno.EOPNOTSUPP || res == -Errno.ENOMEM;
        if (!refused || isCancelSubmitted(op)) {
            return res;
        }
        if (res == -Errno.EINVAL) {
            refusedByKernel();
        }
        setZeroCopyStage(op, REFUSED);
        counters.add(PollerCounters.ZERO_COPY_REFUSED, 1);
        return SEND_AGAIN;
    }

    /** EINVAL: first drop REPORT_USAGE (6.0, 6.1), then SEND_ZC itself. */
    private void refusedByKernel() {
        if (zcFlags != 0) {
            zcFlags = 0;
            return;
        }
        on = false;
        // Not here: this may run inline on a carried thread, and a logger's handlers take monitors,
        // whose wait would unmount the thread over half-done poller work (docs/reliability.md).
        Thread.ofPlatform().daemon().name("loomring-log").start(() -> LOG.log(System.Logger.Level.INFO,
                "Loomring: the kernel refuses SEND_ZC (EINVAL); this ring sends with SEND"));
    }

    /**
     * Ends a SEND_ZC whose bytes the kernel took but whose notification waits for a peer that may
     * never acknowledge them: {@code connect(AF_UNSPEC)} disconnects the socket, dropping its
     * write and retransmit queues (so the kernel no longer references the pages) and sending RST.
     * The fd is still open: whoever started the send holds it until its decision.
     */
    private void reset(Operation op) {
        Sockets.connect(capture, op.fd(), UNSPECIFIED, (int) UNSPECIFIED.byteSize());
        setZeroCopyStage(op, RESET);
        counters.add(PollerCounters.ZERO_COPY_RESETS, 1);
    }
}
