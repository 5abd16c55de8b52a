package io.loomring.bench.load;

/**
 * Latencies in microseconds, in buckets of 1/32 of a power of two (about 3 % wide): enough for
 * p50 and p99, in a few kilobytes. Not thread-safe: one per client thread, merged at the end. The load generator's, and the file
 * benchmark's.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB];
    private long total;

    public void record(long micros) {
        counts[index(Math.max(0, micros))]++;
        total++;
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    public long total() {
        return total;
    }

    /** The upper edge of the bucket holding quantile {@code q} (0..1), in microseconds. */
    public long quantile(double q) {
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank && seen > 0) {
                return upperEdge(i);
            }
        }
        return 0;
    }

    private static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exp - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB; // 0..SUB-1
        return (shift + 1) * SUB + sub;
    }

    private static long upperEdge(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long sub = index % SUB + SUB;
        return ((sub + 1) << shift) - 1;
    }
}
