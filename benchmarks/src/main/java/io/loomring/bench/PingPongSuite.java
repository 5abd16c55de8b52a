package io.loomring.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link PingPongBenchmark} in interleaved rounds (each round: one JMH fork per variant, in a
 * rotated order) so that load from other processes on a shared machine falls on every variant
 * alike, then prints the median microseconds per round trip of each variant and its ratio to the
 * JDK baseline measured in the same rounds.
 *
 * <p>Arguments ({@code key=value}, all optional): {@code rounds=4}, {@code warmup=3},
 * {@code iterations=5}, {@code seconds=1} (per iteration), {@code variants=IO_URING,EPOLL,JDK,JDK_SPLIT},
 * {@code out=target/pingpong} (JMH logs per fork and {@code latency.tsv}).
 */
public final class PingPongSuite {
    private PingPongSuite() {}

    /** Entry point; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        int rounds = positive(opts, "rounds", "4");
        int warmup = positive(opts, "warmup", "3");
        int iterations = positive(opts, "iterations", "5");
        int seconds = positive(opts, "seconds", "1");
        Path out = Path.of(opts.getOrDefault("out", "target/pingpong"));
        Files.createDirectories(out);
        List<Variant> variants = available(opts.getOrDefault("variants", "IO_URING,EPOLL,JDK,JDK_SPLIT"));
        if (variants.isEmpty()) {
            throw new IllegalStateException("no variant can run");
        }

        Map<Variant, List<Double>> iterationScores = new EnumMap<>(Variant.class);
        Map<Variant, List<Double>> roundMedians = new EnumMap<>(Variant.class);
        for (Variant v : variants) {
            iterationScores.put(v, new ArrayList<>());
            roundMedians.put(v, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("round " + (round + 1) + "/" + rounds + ":");
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((k + round) % variants.size());
                List<Double> scores = runFork(v, warmup, iterations, seconds,
                        out.resolve("round" + (round + 1) + "-" + v + ".log"));
                iterationScores.get(v).addAll(scores);
                double m = median(scores);
                roundMedians.get(v).add(m);
                line.append(String.format(Locale.ROOT, "  %s %.2f us", v, m));
            }
            System.out.println(line);
        }
        report(variants, iterationScores, roundMedians, out.resolve("latency.tsv"));
    }

    /** The requested variants that can open and complete a few round trips here. */
    private static List<Variant> available(String list) {
        List<Variant> ok = new ArrayList<>();
        for (String name : list.split(",")) {
            Variant v = Variant.valueOf(name.trim().toUpperCase(Locale.ROOT));
            try (PingPong p = v.open()) {
                p.roundTrips(10);
                ok.add(v);
            } catch (Exception | Error e) {
                System.out.println("skipping " + v + ": " + e);
            }
        }
        return ok;
    }

    private static List<Double> runFork(Variant v, int warmup, int iterations, int seconds, Path log)
            throws RunnerException {
        Options options = new OptionsBuilder()
                .include(PingPongBenchmark.class.getName() + ".roundTrip")
                .param("variant", v.name())
                .forks(1)
                .warmupIterations(warmup)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .shouldFailOnError(true)
                .output(log.toString())
                .build();
        List<Double> scores = new ArrayList<>();
        for (RunResult run : new Runner(options).run()) {
            for (BenchmarkResult b : run.getBenchmarkResults()) {
                for (IterationResult it : b.getIterationResults()) {
                    scores.add(it.getPrimaryResult().getScore());
                }
            }
        }
        if (scores.isEmpty()) {
            throw new IllegalStateException(v + " produced no measurement; see " + log);
        }
        return scores;
    }

    private static void report(List<Variant> variants, Map<Variant, List<Double>> iterationScores,
                               Map<Variant, List<Double>> roundMedians, Path tsv) throws IOException {
        List<Double> jdk = roundMedians.get(Variant.JDK);
        System.out.println();
        System.out.println("us per round trip (median of all measured iterations; spread = min..max of"
                + " the per-round medians); ratio = variant / JDK per round, median and min..max");
        System.out.printf(Locale.ROOT, "%-9s %9s %17s %8s %15s %6s%n", "variant", "median", "round spread",
                "ratio", "ratio spread", "iters");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(tsv, StandardCharsets.UTF_8))) {
            w.println("variant\tmedian_us\tround_min_us\tround_max_us\tratio_median\tratio_min\tratio_max\titerations");
            for (Variant v : variants) {
                List<Double> rm = roundMedians.get(v);
                double[] ratios = new double[rm.size()];
                for (int i = 0; i < ratios.length; i++) {
                    ratios[i] = jdk == null ? Double.NaN : rm.get(i) / jdk.get(i);
                }
                double med = median(iterationScores.get(v));
                double ratio = median(toList(ratios));
                System.out.printf(Locale.ROOT, "%-9s %9.2f %8.2f..%-7.2f %8.2f %7.2f..%-6.2f %6d%n", v, med,
                        min(rm), max(rm), ratio, min(toList(ratios)), max(toList(ratios)),
                        iterationScores.get(v).size());
                w.printf(Locale.ROOT, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d%n", v, med, min(rm), max(rm),
                        ratio, min(toList(ratios)), max(toList(ratios)), iterationScores.get(v).size());
            }
        }
    }

    private static List<Double> toList(double[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    static double median(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + a);
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return m;
    }

    private static int positive(Map<String, String> opts, String key, String dflt) {
        int v = Integer.parseInt(opts.getOrDefault(key, dflt));
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be positive: " + v);
        }
        return v;
    }
}
