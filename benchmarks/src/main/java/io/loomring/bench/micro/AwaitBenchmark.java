package io.loomring.bench.micro;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Arm-and-wake latency of one {@code awaitReadable}, on the benchmark's own (platform) thread:
 * <ul>
 *   <li>{@link #readyFd}: the fd is already readable (a byte sits in the pipe and is never read),
 *   so the time is the whole hand-off: request queued to the poller, poll armed in the kernel,
 *   its completion reaped, the thread unparked. Run with {@code -prof gc} this is also the
 *   allocation per await.</li>
 *   <li>{@link #awaitThenSignal}: the fd is not ready; a second thread writes a byte once the await
 *   is armed (it watches {@code stats().armed()}), and the score includes that thread's reaction,
 *   the kernel's wakeup of the poller and the unpark.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AwaitBenchmark {
    /** The backend under test. */
    @Param({"IO_URING", "EPOLL"})
    public Backend backend;

    private IoScheduler scheduler;
    private Pipe ready;
    private Pipe signalled;
    private Thread signaller;
    private volatile boolean running;
    private volatile long requested;

    /** Opens the scheduler, the two pipes, and the signalling thread. */
    @Setup(Level.Trial)
    public void open() throws IOException {
        scheduler = IoScheduler.builder().backend(backend).build();
        ready = new Pipe();
        ready.signal();
        signalled = new Pipe();
        running = true;
        signaller = Thread.ofPlatform().daemon().name("signaller").start(this::signalLoop);
    }

    /** Stops the signaller and releases everything. */
    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
        running = false;
        signaller.join();
        scheduler.close();
        ready.close();
        signalled.close();
    }

    /** Await on an fd that is ready already. */
    @Benchmark
    public void readyFd() throws IOException {
        scheduler.awaitReadable(ready.readFd);
    }

    /** Await, and another thread makes the fd ready once the await is armed. */
    @Benchmark
    public void awaitThenSignal() throws IOException {
        requested++;
        do {
            scheduler.awaitReadable(signalled.readFd); // wakeups may be spurious: retry until the byte is there
        } while (!signalled.drain());
    }

    private void signalLoop() {
        long done = 0;
        try {
            while (running) {
                if (requested == done || scheduler.stats().armed() == 0) {
                    Thread.onSpinWait();
                    continue;
                }
                done++;
                signalled.signal();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
