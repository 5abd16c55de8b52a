package io.loomring.jcstress.sim;

import io.loomring.ring.CompletionQueue;

/**
 * Records the completions an application reaps, for the CQ tests. The simulated kernel posts CQE
 * number {@code k} with user_data {@code k} and res {@code k * 10}, so a stale or torn entry, a
 * duplicate, a loss or a reordering all show in the log. Used by one thread at a time.
 */
public final class CqeLog implements CompletionQueue.Handler {
    private final long[] seen = new long[16];
    private int count;
    private boolean torn;

    @Override
    public void onCompletion(long userData, int res, int flags) {
        if (res != userData * 10) {
            torn = true;
        }
        if (count < seen.length) {
            seen[count] = userData;
        }
        count++;
    }

    /** Completions logged so far. */
    public int count() {
        return count;
    }

    /** True when the log is exactly CQEs 1..{@code posted}, in order, each complete. */
    public boolean isExactly(int posted) {
        if (torn || count != posted) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (seen[i] != i + 1) {
                return false;
            }
        }
        return true;
    }
}
