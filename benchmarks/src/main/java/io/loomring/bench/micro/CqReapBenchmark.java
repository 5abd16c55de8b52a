package io.loomring.bench.micro;

import io.loomring.ring.CompletionQueue;
import io.loomring.ring.RingOffsets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CQ reaping in isolation: {@link CompletionQueue#reap} over memory laid out like the kernel's CQ
 * ring, with the benchmark thread playing the kernel (it writes n CQEs and release-stores the tail,
 * as the kernel does) before each reap. The score is per completion, the posting included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CqReapBenchmark {
    private static final int ENTRIES = 512;
    private static final int HEAD = 0;
    private static final int TAIL = 64;
    private static final int MASK = 128;
    private static final int COUNT = 132;
    private static final int OVERFLOW = 136;
    private static final int CQES = 192;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private Arena arena;
    private MemorySegment ring;
    private CompletionQueue cq;
    private int tail;
    private long sum;
    private final CompletionQueue.Handler handler = (userData, res, flags) -> sum += userData + res;

    /** Lays out an empty 512-entry CQ ring. */
    @Setup(Level.Trial)
    public void open() {
        arena = Arena.ofShared();
        ring = arena.allocate(CQES + 16L * ENTRIES, 64);
        ring.set(ValueLayout.JAVA_INT, MASK, ENTRIES - 1);
        ring.set(ValueLayout.JAVA_INT, COUNT, ENTRIES);
        RingOffsets offsets = new RingOffsets(0, 0, 0, 0, 0, 0, HEAD, TAIL, MASK, COUNT, OVERFLOW, CQES);
        cq = new CompletionQueue(ring, offsets);
    }

    /** Frees the ring memory. */
    @TearDown(Level.Trial)
    public void close() {
        arena.close();
    }

    /** One completion per reap. */
    @Benchmark
    @OperationsPerInvocation(1)
    public long reap1() {
        return postAndReap(1);
    }

    /** 16 completions per reap. */
    @Benchmark
    @OperationsPerInvocation(16)
    public long reap16() {
        return postAndReap(16);
    }

    /** 256 completions per reap. */
    @Benchmark
    @OperationsPerInvocation(256)
    public long reap256() {
        return postAndReap(256);
    }

    private long postAndReap(int n) {
        for (int i = 0; i < n; i++) {
            long cqe = CQES + 16L * ((tail + i) & (ENTRIES - 1));
            ring.set(ValueLayout.JAVA_LONG, cqe, ((long) i << 32) | (tail + i));
            ring.set(ValueLayout.JAVA_INT, cqe + 8, 1);
            ring.set(ValueLayout.JAVA_INT, cqe + 12, 0);
        }
        tail += n;
        INT.setRelease(ring, (long) TAIL, tail);
        if (cq.reap(handler) != n) {
            throw new IllegalStateException("reaped the wrong count");
        }
        return sum;
    }
}
