package io.loomring.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The measurements of one workload (HTTP or RESP) read from the harness's TSV file, with medians
 * over rounds and per-round ratios against a baseline stack.
 */
final class Results {
    /** The column that pairs a measurement with the baseline's taken next to it (absent or NA: unpaired). */
    static final String PAIR = "pair";

    final List<String> columns;
    final List<Measurement> rows;
    final Set<String> stacks = new LinkedHashSet<>();
    final Set<String> levels = new LinkedHashSet<>();

    private Results(List<String> columns, List<Measurement> rows) {
        this.columns = columns;
        this.rows = rows;
        // Loomring's rows first, then the others, each in the order they were first measured (the
        // baseline, measured next to every stack, would otherwise come second).
        for (Measurement m : rows) {
            if (m.stack().startsWith("Loomring")) {
                stacks.add(m.stack());
            }
            levels.add(m.level());
        }
        rows.forEach(m -> stacks.add(m.stack()));
    }

    /** Reads a TSV whose first three columns are round, stack, level; empty when there is no file. */
    static Results read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Results(List.of(), List.of());
        }
        List<String> lines = Files.readAllLines(file).stream().filter(Predicate.not(String::isBlank)).toList();
        if (lines.isEmpty()) {
            return new Results(List.of(), List.of());
        }
        List<String> header = Arrays.asList(lines.get(0).split("\t", -1));
        List<Measurement> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            Map<String, Double> values = new LinkedHashMap<>();
            for (int i = 3; i < header.size(); i++) {
                values.put(header.get(i), i < f.length ? parse(f[i]) : Double.NaN);
            }
            rows.add(new Measurement(Integer.parseInt(f[0]), f[1], f[2], values));
        }
        return new Results(header.subList(3, header.size()), rows);
    }

    /** True when the file has the {@link #PAIR} column (runs before it had none). */
    boolean paired() {
        return columns.contains(PAIR);
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    int rounds() {
        return rows.stream().mapToInt(Measurement::round).max().orElse(0);
    }

    /** The median over rounds of {@code column} for one stack and level; NaN if never measured. */
    double median(String stack, String level, String column) {
        return median(rows.stream().filter(m -> m.stack().equals(stack) && m.level().equals(level))
                .mapToDouble(m -> m.get(column)).toArray());
    }

    /**
     * The median over rounds of {@code stack}'s {@code column} divided by {@code baseline}'s. A
     * measurement with a partner of the baseline's (the same number in the {@code pair} column: the
     * two were taken one right after the other, at the same level) is divided by that partner; any
     * other by the baseline's measurements of the same round. NaN when the baseline was not
     * measured.
     */
    double ratio(String stack, String baseline, String level, String column) {
        List<Double> ratios = new ArrayList<>();
        for (Measurement m : rows) {
            if (!m.stack().equals(stack) || !m.level().equals(level)) {
                continue;
            }
            double pair = m.get(PAIR);
            List<Measurement> partners = baselineRows(baseline, level, b -> !Double.isNaN(pair) && b.get(PAIR) == pair);
            if (partners.isEmpty()) {
                partners = baselineRows(baseline, level, b -> b.round() == m.round());
            }
            for (Measurement b : partners) {
                ratios.add(m.get(column) / b.get(column));
            }
        }
        return median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private List<Measurement> baselineRows(String baseline, String level, Predicate<Measurement> which) {
        return rows.stream().filter(b -> b.stack().equals(baseline) && b.level().equals(level)).filter(which).toList();
    }

    /** Every figure of every round, for results.json. */
    List<Map<String, Object>> all() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Measurement m : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("round", m.round());
            o.put("stack", m.stack());
            o.put("level", m.level());
            o.putAll(m.values());
            out.add(o);
        }
        return out;
    }

    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double parse(String s) {
        if (s.isBlank() || s.equals("NA")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
