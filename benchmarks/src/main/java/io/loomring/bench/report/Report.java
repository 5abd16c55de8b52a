package io.loomring.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the harness's raw measurements into the report: the tables on the terminal (and as
 * Markdown in {@code table.md}), {@code results.json} with every figure of every round, and
 * {@code chart.png}.
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.report.Report DIR [jdk=LABEL] [netty=LABEL] [redis=LABEL]
 * </pre>
 * {@code DIR} holds {@code meta.tsv} (key, value), {@code http.tsv} and {@code resp.tsv} (round,
 * stack, level, then one column per figure), and optionally {@code pingpong/latency.tsv},
 * {@code pingpong/syscalls.tsv} and {@code micro/summary.tsv}.
 */
public final class Report {
    private Report() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report DIR [jdk=LABEL] [netty=LABEL] [redis=LABEL]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            opts.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        String jdk = opts.getOrDefault("jdk", "JDK sockets");
        String netty = opts.getOrDefault("netty", "Netty io_uring");
        String redis = opts.getOrDefault("redis", "redis-server");

        Map<String, String> meta = readMeta(dir.resolve("meta.tsv"));
        Results http = Results.read(dir.resolve("http.tsv"));
        Results resp = Results.read(dir.resolve("resp.tsv"));
        List<List<String>> pingLatency = readTsv(dir.resolve("pingpong/latency.tsv"));
        List<List<String>> pingSyscalls = readTsv(dir.resolve("pingpong/syscalls.tsv"));
        List<List<String>> micro = readTsv(dir.resolve("micro/summary.tsv"));

        StringBuilder text = new StringBuilder();
        StringBuilder md = new StringBuilder();
        String where = meta.getOrDefault("date", "?") + ", " + meta.getOrDefault("machine", "?")
                + ", Linux " + meta.getOrDefault("kernel", "?") + ", " + meta.getOrDefault("jdk", "?")
                + ", Loomring " + meta.getOrDefault("commit", "?");
        text.append(where).append('\n');
        md.append(where).append("\n\n");
        if (!http.isEmpty()) {
            Table t = httpTable(http, jdk, netty);
            String title = "HTTP/1.1 plaintext (" + meta.getOrDefault("http_load", "wrk") + "), medians of "
                    + http.rounds() + " round(s); " + (http.paired()
                    ? "req/s ratios: vs JDK over the JDK's figure taken right next to each, vs " + netty + " over the same round's"
                    : "ratios are req/s against the same round's baseline");
            text.append('\n').append(title).append('\n').append(t.text());
            md.append("**").append(title).append("**\n\n").append(t.markdown()).append('\n');
        }
        if (!resp.isEmpty()) {
            Table t = respTable(resp, jdk, redis);
            String title = "RESP (" + meta.getOrDefault("resp_load", "redis-benchmark") + "), medians of "
                    + resp.rounds() + " round(s)";
            text.append('\n').append(title).append('\n').append(t.text());
            md.append("**").append(title).append("**\n\n").append(t.markdown()).append('\n');
        }
        if (!pingLatency.isEmpty()) {
            Table t = pingTable(pingLatency, pingSyscalls);
            String title = "Pipe ping-pong between two virtual threads (JMH), µs per round trip; per round trip "
                    + "under perf: syscalls, context switches, CPU µs";
            text.append('\n').append(title).append('\n').append(t.text());
            md.append("**").append(title).append("**\n\n").append(t.markdown()).append('\n');
        }
        if (!micro.isEmpty()) {
            Table t = new Table(micro.get(0));
            micro.subList(1, micro.size()).forEach(t::add);
            String title = "Micro-benchmarks (JMH, average time; allocation from -prof gc)";
            text.append('\n').append(title).append('\n').append(t.text());
            md.append("**").append(title).append("**\n\n").append(t.markdown()).append('\n');
        }
        String notes = meta.getOrDefault("notes", "");
        if (!notes.isBlank()) {
            for (String n : notes.split(" \\| ")) {
                text.append("note: ").append(n).append('\n');
                md.append("- ").append(n).append('\n');
            }
        }
        System.out.print(text);
        Files.writeString(dir.resolve("table.txt"), text);
        Files.writeString(dir.resolve("table.md"), md);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("meta", meta);
        json.put("http", section(http, List.of(jdk, netty)));
        json.put("resp", section(resp, List.of(jdk, redis)));
        json.put("pingpong", Map.of("latency", rowsAsMaps(pingLatency), "syscalls", rowsAsMaps(pingSyscalls)));
        json.put("micro", rowsAsMaps(micro));
        Files.writeString(dir.resolve("results.json"), Json.write(json));

        if (!http.isEmpty() || !resp.isEmpty()) {
            Chart.write(dir.resolve("chart.png"), where, http, resp);
        }
        System.out.println("\nwrote " + dir.resolve("results.json") + ", " + dir.resolve("chart.png") + ", "
                + dir.resolve("table.md"));
    }

    private static Table httpTable(Results r, String jdk, String netty) {
        return stackTable(r, "conns", jdk, netty, true);
    }

    private static Table respTable(Results r, String jdk, String redis) {
        return stackTable(r, "test", jdk, redis, false);
    }

    /**
     * One row per stack and level with the figures both protocols report; HTTP adds its wrk error
     * and timeout counts.
     */
    private static Table stackTable(Results r, String levelColumn, String jdk, String reference, boolean errors) {
        List<String> columns = new ArrayList<>(List.of("stack", levelColumn, "req/s", "vs JDK", "vs " + reference,
                "p50 ms", "p99 ms", "CPU µs/req", "syscalls/req", "RSS MB"));
        if (errors) {
            columns.addAll(List.of("errors", "timeouts"));
        }
        Table t = new Table(columns);
        for (String level : r.levels) {
            for (String stack : r.stacks) {
                if (Double.isNaN(r.median(stack, level, "rps"))) {
                    continue;
                }
                List<String> row = new ArrayList<>(List.of(stack, level, f("%,.0f", r.median(stack, level, "rps")),
                        ratio(r.ratio(stack, jdk, level, "rps")), ratio(r.ratio(stack, reference, level, "rps")),
                        f("%.2f", r.median(stack, level, "p50_us") / 1000),
                        f("%.2f", r.median(stack, level, "p99_us") / 1000),
                        f("%.1f", r.median(stack, level, "cpu_us_per_req")),
                        f("%.2f", r.median(stack, level, "syscalls_per_req")),
                        f("%.0f", r.median(stack, level, "rss_mb"))));
                if (errors) {
                    row.add(f("%.0f", sum(r, stack, level, "errors")));
                    row.add(f("%.0f", sum(r, stack, level, "timeouts")));
                }
                t.add(row);
            }
        }
        return t;
    }

    /** latency.tsv: variant, us, lo, hi, ratio, lo, hi; syscalls.tsv: variant, total, ..., cs, cpu_us. */
    private static Table pingTable(List<List<String>> latency, List<List<String>> syscalls) {
        Map<String, List<String>> sys = new LinkedHashMap<>();
        for (List<String> row : syscalls.subList(Math.min(1, syscalls.size()), syscalls.size())) {
            sys.put(row.get(0), row);
        }
        Table t = new Table(List.of("variant", "µs/round trip", "spread", "vs JDK", "syscalls", "ctx switches",
                "CPU µs"));
        for (List<String> row : latency.subList(1, latency.size())) {
            List<String> s = sys.get(row.get(0));
            t.add(List.of(row.get(0), row.get(1), row.get(2) + "–" + row.get(3), row.get(4) + "×",
                    s == null ? "n/a" : s.get(1), s == null ? "n/a" : s.get(s.size() - 2),
                    s == null ? "n/a" : s.get(s.size() - 1)));
        }
        return t;
    }

    private static Map<String, Object> section(Results r, List<String> baselines) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rounds", r.rounds());
        out.put("baselines", baselines);
        List<Map<String, Object>> medians = new ArrayList<>();
        for (String level : r.levels) {
            for (String stack : r.stacks) {
                if (Double.isNaN(r.median(stack, level, "rps"))) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("stack", stack);
                m.put("level", level);
                for (String c : r.columns) {
                    if (!c.equals(Results.PAIR)) {
                        m.put(c, r.median(stack, level, c));
                    }
                }
                for (String b : baselines) {
                    m.put("rps_vs_" + b, r.ratio(stack, b, level, "rps"));
                }
                medians.add(m);
            }
        }
        out.put("medians", medians);
        out.put("measurements", r.all());
        return out;
    }

    private static double sum(Results r, String stack, String level, String column) {
        return r.rows.stream().filter(m -> m.stack().equals(stack) && m.level().equals(level))
                .mapToDouble(m -> m.get(column)).filter(d -> !Double.isNaN(d)).sum();
    }

    private static String f(String format, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static Map<String, String> readMeta(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        for (List<String> row : readTsv(file)) {
            if (row.size() >= 2) {
                meta.put(row.get(0), row.get(1));
            }
        }
        return meta;
    }

    private static List<List<String>> readTsv(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank())
                .map(l -> List.of(l.split("\t", -1))).toList();
    }

    private static List<Map<String, String>> rowsAsMaps(List<List<String>> table) {
        List<Map<String, String>> out = new ArrayList<>();
        for (List<String> row : table.subList(Math.min(1, table.size()), table.size())) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < row.size() && i < table.get(0).size(); i++) {
                m.put(table.get(0).get(i), row.get(i));
            }
            out.add(m);
        }
        return out;
    }
}
