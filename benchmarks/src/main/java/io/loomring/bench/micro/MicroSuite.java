package io.loomring.bench.micro;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the hot-path micro-benchmarks ({@link AwaitBenchmark}, {@link SubmitBatchBenchmark},
 * {@link CqReapBenchmark}, {@link SocketEventsBenchmark}) with JMH's GC profiler and writes {@code summary.tsv}: benchmark,
 * parameters, score, error, unit, and bytes allocated per operation (all threads of the fork,
 * the poller included). Exits 1 when Loomring's disabled JFR events allocate on the socket path.
 *
 * <p>Arguments ({@code key=value}, optional): {@code out=target/micro}, {@code warmup=3},
 * {@code iterations=5}, {@code seconds=1}, {@code include=io.loomring.bench.micro.*Benchmark}.
 */
public final class MicroSuite {
    private MicroSuite() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws RunnerException, IOException {
        Map<String, String> opts = new java.util.HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value: " + a);
            }
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Path out = Path.of(opts.getOrDefault("out", "target/micro"));
        Files.createDirectories(out);
        Files.deleteIfExists(out.resolve(SocketEventsBenchmark.COUNTS_FILE));
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(opts.getOrDefault("include", "io\\.loomring\\.bench\\.micro\\..*Benchmark"))
                .addProfiler(GCProfiler.class)
                .warmupIterations(Integer.parseInt(opts.getOrDefault("warmup", "3")))
                .measurementIterations(Integer.parseInt(opts.getOrDefault("iterations", "5")))
                .warmupTime(TimeValue.seconds(Integer.parseInt(opts.getOrDefault("seconds", "1"))))
                .measurementTime(TimeValue.seconds(Integer.parseInt(opts.getOrDefault("seconds", "1"))))
                .shouldFailOnError(true)
                .jvmArgsAppend("--sun-misc-unsafe-memory-access=allow",
                        "-D" + SocketEventsBenchmark.OUT_PROPERTY + "=" + out.toAbsolutePath())
                .output(out.resolve("jmh.log").toString());
        Collection<RunResult> results = new Runner(b.build()).run();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("summary.tsv"), StandardCharsets.UTF_8))) {
            w.println("benchmark\tparams\tscore\t± error\tunit\tB/op allocated");
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
                String params = r.getParams().getParamsKeys().stream()
                        .map(k -> k + "=" + r.getParams().getParam(k)).collect(Collectors.joining(","));
                Result<?> primary = r.getPrimaryResult();
                Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
                w.printf(Locale.ROOT, "%s\t%s\t%.3f\t%.3f\t%s\t%s%n", name, params.isEmpty() ? "-" : params,
                        primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
                        alloc == null ? "n/a" : String.format(Locale.ROOT, "%.1f", alloc.getScore()));
            }
        }
        System.out.println(Files.readString(out.resolve("summary.tsv")));
        if (!disabledEventsAllocateNothing(out.resolve(SocketEventsBenchmark.COUNTS_FILE))) {
            System.exit(1);
        }
    }

    /**
     * The check {@link SocketEventsBenchmark} exists for: with the recorder running and Loomring's
     * events disabled, the socket path makes no event object once compiled (the JIT removes it).
     * Reads the count each fork wrote; true when it is 0 or was not measured.
     */
    private static boolean disabledEventsAllocateNothing(Path counts) throws IOException {
        if (!Files.exists(counts)) {
            return true;
        }
        String prefix = "socket events jfr=eventsDisabled: ";
        for (String line : Files.readAllLines(counts, StandardCharsets.UTF_8)) {
            if (line.startsWith(prefix)) {
                long made = Long.parseLong(line.substring(prefix.length()).split(" ")[0]);
                boolean ok = made == 0;
                System.out.println("JFR events disabled: " + made + " event objects made in the measured iterations: "
                        + (ok ? "none, as it must" : "FAILED: the disabled events allocate on the socket path"));
                return ok;
            }
        }
        return true;
    }
}
