package io.loomring.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Microseconds per round trip of a one-byte ping-pong between two virtual threads over two pipes
 * (see {@link PingPong}), for Loomring's io_uring and epoll backends and the JDK's own
 * {@code Pipe} channels, with both read ends on one JDK sub-poller ({@code JDK}, the baseline) or
 * on two ({@code JDK_SPLIT}); see {@link JdkPipePingPong} for why that matters.
 *
 * <p>Each invocation hands a batch of {@value #BATCH} round trips from the benchmark thread to the
 * virtual thread that plays side A and waits for it; the score is divided by the batch size. The
 * benchmark thread itself is never a side, so every variant parks and wakes only virtual threads.
 * The hand-off (a {@code SynchronousQueue} exchange both ways) is the same for every variant and
 * adds well under one percent per round trip at this batch size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(PingPongBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PingPongBenchmark {
    /** Round trips per benchmark invocation. */
    public static final int BATCH = 200;

    /** Which poller carries the ping-pong. */
    @Param({"IO_URING_CARRIED", "EPOLL_CARRIED", "IO_URING", "EPOLL", "JDK", "JDK_SPLIT"})
    public Variant variant;

    private PingPong pingPong;

    /** Opens the pipes, the scheduler (for Loomring) and both virtual threads. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        pingPong = variant.open();
    }

    /** Stops both virtual threads and releases the pipes and the scheduler. */
    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (pingPong != null) {
            pingPong.close();
        }
    }

    /** One batch of round trips. */
    @Benchmark
    public void roundTrip() throws InterruptedException {
        pingPong.roundTrips(BATCH);
    }
}
