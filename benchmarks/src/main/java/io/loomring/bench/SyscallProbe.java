package io.loomring.bench;

import io.loomring.Stats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A fixed-count ping-pong run for counting syscalls from outside: warms up, prints
 * {@code READY <pid>}, waits for a line on standard input (the moment to attach
 * {@code perf stat -p <pid>}), runs the measured round trips, prints what it did and exits.
 *
 * <p>Usage: {@code SyscallProbe <IO_URING|EPOLL|JDK|JDK_SPLIT> <round trips> [warm-up round trips]}. For the
 * Loomring variants it also prints the scheduler's counters per round trip.
 */
public final class SyscallProbe {
    private SyscallProbe() {}

    /** Entry point; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: SyscallProbe <IO_URING|EPOLL|JDK|JDK_SPLIT> <round trips> [warm-up round trips]");
            System.exit(2);
        }
        Variant variant = Variant.valueOf(args[0]);
        int count = Integer.parseInt(args[1]);
        int warmup = args.length == 3 ? Integer.parseInt(args[2]) : 50_000;
        if (count <= 0 || warmup <= 0) {
            throw new IllegalArgumentException("round trip counts must be positive");
        }
        try (PingPong pingPong = variant.open()) {
            runInBatches(pingPong, warmup);
            Stats before = stats(pingPong);
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            String go = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (go == null) {
                throw new IllegalStateException("standard input closed before the go line");
            }
            long start = System.nanoTime();
            runInBatches(pingPong, count);
            long elapsed = System.nanoTime() - start;
            Stats after = stats(pingPong);
            System.out.printf("DONE %s round_trips=%d us_per_round_trip=%.2f%s%n", variant, count,
                    elapsed / 1e3 / count, perRoundTrip(before, after, count));
            if (pingPong instanceof JdkPipePingPong jdk) {
                System.out.println("  (" + jdk.describe() + ")");
            }
        }
    }

    private static void runInBatches(PingPong pingPong, int total) throws InterruptedException {
        int left = total;
        while (left > 0) {
            int n = Math.min(left, PingPongBenchmark.BATCH);
            pingPong.roundTrips(n);
            left -= n;
        }
    }

    private static Stats stats(PingPong pingPong) {
        return pingPong instanceof LoomringPingPong l ? l.stats() : null;
    }

    private static String perRoundTrip(Stats before, Stats after, int count) {
        if (before == null) {
            return "";
        }
        return String.format(" enters=%.3f submitted=%.3f completions=%.3f wakeup_signals=%.3f stale=%.3f",
                (after.enters() - before.enters()) / (double) count,
                (after.submitted() - before.submitted()) / (double) count,
                (after.completions() - before.completions()) / (double) count,
                (after.wakeupSignals() - before.wakeupSignals()) / (double) count,
                (after.staleCompletions() - before.staleCompletions()) / (double) count);
    }
}
