package io.loomring.nio;

import java.util.ArrayList;
import java.util.List;

/**
 * The registrations of one channel with Loomring selectors. A selector adds its registration when
 * the channel registers and removes it when the key is deregistered; the channel's close calls
 * {@link #dropAll()} before it closes the fd, so each selector's kernel set forgets the fd while
 * the number still names this channel's socket.
 */
final class ChannelKeys {
    /** What a selector does when the channel's fd is about to close. */
    interface Registration {
        /** Removes the fd from the selector's kernel set now; later changes to the key leave the kernel alone. */
        void dropFd();
    }

    private final List<Registration> registrations = new ArrayList<>(1); // guarded by this
    private boolean dropped; // guarded by this

    /**
     * Adds a registration; if the fd was already dropped (the channel's close got past
     * {@link #dropAll()} while a register was under way), drops it at once instead, so no
     * selector adds a closed, perhaps reused, fd number to its kernel set.
     */
    void add(Registration r) {
        synchronized (this) {
            if (!dropped) {
                registrations.add(r);
                return;
            }
        }
        r.dropFd();
    }

    synchronized void remove(Registration r) {
        registrations.remove(r);
    }

    /** Drops the fd from every selector it is registered with; called by close, before close(2). */
    void dropAll() {
        Registration[] all;
        synchronized (this) {
            dropped = true;
            all = registrations.toArray(new Registration[0]);
        }
        for (Registration r : all) {
            r.dropFd();
        }
    }
}
