package io.loomring.bench.micro;

import static io.loomring.ffm.Poll.POLLIN;

import io.loomring.ffm.IoUringSyscalls;
import io.loomring.ring.CompletionQueue;
import io.loomring.ring.IoUring;
import io.loomring.ring.IoUringUnavailableException;
import io.loomring.ring.SubmissionQueue;
import java.io.IOException;
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
 * Submission batching on a real ring, driven directly (no poller thread): n {@code POLL_ADD}s on an
 * fd that is readable already are prepared, published and submitted with one
 * {@code io_uring_enter} that also waits for their n completions, which are then reaped. The score
 * is per arm, so the fixed cost of the kernel call shows as the gap between batch sizes.
 */
@State(Scope.Thread) // the ring is set up on the thread that submits (SINGLE_ISSUER)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SubmitBatchBenchmark {

    private IoUring ring;
    private SubmissionQueue sq;
    private CompletionQueue cq;
    private Pipe pipe;
    private long sum;
    private final CompletionQueue.Handler handler = (userData, res, flags) -> sum += res;

    /** Sets up a 256-entry ring and a readable pipe. */
    @Setup(Level.Trial)
    public void open() throws IOException, IoUringUnavailableException {
        ring = new IoUring(IoUringSyscalls.kernel(), 256);
        sq = ring.sq();
        cq = ring.cq();
        pipe = new Pipe();
        pipe.signal();
    }

    /** Releases the ring and the pipe. */
    @TearDown(Level.Trial)
    public void close() {
        ring.close();
        pipe.close();
    }

    /** One arm per enter. */
    @Benchmark
    @OperationsPerInvocation(1)
    public long arms1() {
        return batch(1);
    }

    /** 8 arms per enter. */
    @Benchmark
    @OperationsPerInvocation(8)
    public long arms8() {
        return batch(8);
    }

    /** 64 arms per enter. */
    @Benchmark
    @OperationsPerInvocation(64)
    public long arms64() {
        return batch(64);
    }

    private long batch(int n) {
        for (int i = 0; i < n; i++) {
            if (!sq.pollAdd(pipe.readFd, POLLIN, i)) {
                throw new IllegalStateException("SQ full");
            }
        }
        int published = sq.publish();
        long r = ring.enter(published, n);
        if (r < 0) {
            throw new IllegalStateException("io_uring_enter: " + r);
        }
        int reaped = 0;
        while (reaped < n) {
            reaped += cq.reap(handler);
            if (reaped < n) {
                ring.enter(0, n - reaped);
            }
        }
        return sum;
    }
}
