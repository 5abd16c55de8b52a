package io.loomring.bench.report;

import java.util.Map;

/**
 * One measured interval: one stack at one load level (or one RESP test) in one round.
 *
 * @param round  the round, from 1
 * @param stack  the row label, such as {@code Loomring io_uring}
 * @param level  the connection count, or the RESP test name
 * @param values the figures by column name (NaN where not measured)
 */
record Measurement(int round, String stack, String level, Map<String, Double> values) {
    double get(String column) {
        Double v = values.get(column);
        return v == null ? Double.NaN : v;
    }
}
