package io.loomring.jcstress.sim;

/**
 * What a consumer took from a queue in the MPSC tests: producer {@code p} offers
 * {@code p * 10 + 1, p * 10 + 2, ...}, so losses, duplicates and per-producer reordering all show.
 * Used by one thread at a time.
 */
public final class Received {
    private final int[] values = new int[16];
    private int count;

    /** Records one element (null, as a broken queue may return, counts as nothing). */
    public void add(Integer value) {
        if (value != null && count < values.length) {
            values[count] = value;
        }
        if (value != null) {
            count++;
        }
    }

    /** Elements received. */
    public int count() {
        return count;
    }

    /**
     * True when exactly {@code perProducer} elements of each producer in {@code producers} arrived,
     * each once, each producer's in the order it offered them.
     */
    public boolean isComplete(int[] producers, int perProducer) {
        if (count != producers.length * perProducer) {
            return false;
        }
        for (int p : producers) {
            int next = p * 10 + 1;
            for (int i = 0; i < count; i++) {
                if (values[i] / 10 == p) {
                    if (values[i] != next) {
                        return false;
                    }
                    next++;
                }
            }
            if (next != p * 10 + 1 + perProducer) {
                return false;
            }
        }
        return true;
    }
}
