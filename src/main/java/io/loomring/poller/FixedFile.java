package io.loomring.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One socket's place in the registered-file table of at most one carrier's ring
 * ({@code IOSQE_FIXED_FILE}): with it the kernel looks no fd up for the socket's requests there.
 * The first carrier whose ring runs an operation of the socket with a free slot claims it; every
 * other ring uses the plain fd.
 *
 * <p>A registered file outlives the {@code close(2)} of its number: until its slot is emptied the
 * connection stays open. So the socket's owner, which alone closes the fd, calls {@link #release}
 * once no operation on the fd is in flight and before {@code close(2)}; the slot is emptied by the
 * claiming carrier's thread (a ring with SINGLE_ISSUER takes registrations from no other), at once
 * when the closing thread runs on it, else through its request queue, and the closing thread waits.
 * Only operations that carry a {@code FixedFile} use one, so an fd number handed to the scheduler's
 * own methods never maps to a slot a later file of the same number would inherit.
 */
public final class FixedFile {
    private static final VarHandle HOLDER;

    static {
        try {
            HOLDER = MethodHandles.lookup().findVarHandle(FixedFile.class, "holder", Poller.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The carrier whose ring holds the file, or null. */
    private volatile Poller holder;
    /** The slot in the holder's table: written and read by the holder's thread only. */
    private int slot = -1;

    /** For the socket's owner: one per socket, made with it. */
    public FixedFile() {}

    /** True when {@code poller}'s ring holds this file; the slot is then {@link #slot()}. */
    public boolean heldBy(Poller poller) {
        return holder == poller;
    }

    /** True when no ring holds this file. */
    public boolean unclaimed() {
        return holder == null;
    }

    /**
     * The holder's thread, before it fills {@code slot}: takes the file for its ring unless another
     * ring took it first.
     *
     * @return false when another ring holds it
     */
    public boolean claim(Poller poller, int slot) {
        if (!HOLDER.compareAndSet(this, (Poller) null, poller)) { // volatile CAS: one ring wins
            return false;
        }
        this.slot = slot;
        return true;
    }

    /** The holder's thread: its slot, once {@link #claim}ed. */
    public int slot() {
        return slot;
    }

    /** The holder's thread, once the slot is empty again (or could not be filled): no ring holds it. */
    public void unclaim() {
        slot = -1;
        holder = null;
    }

    /**
     * The owner's call before {@code close(2)}, once no operation on the fd is in flight: empties
     * the slot of the ring that holds the file and returns when it is empty (or that carrier has
     * stopped, which closed its ring and table). Does nothing when no ring holds it.
     */
    public void release() {
        Poller p = holder;
        if (p != null) {
            p.releaseFile(this);
        }
    }
}
