package io.loomring.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the report's chart with Java2D (headless): grouped bars of the medians, one colour per
 * stack, one group per load level. Panels: HTTP requests/s, HTTP server CPU per request, HTTP
 * syscalls per request, and RESP requests/s when that workload ran.
 */
final class Chart {
    private static final int WIDTH = 1400;
    private static final int PANEL_HEIGHT = 330;
    private static final int TOP = 70;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0x6baed6), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x98df8a), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b),
        new Color(0xe377c2), new Color(0x7f7f7f),
    };

    private Chart() {}

    static void write(Path file, String subtitle, Results http, Results resp) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Panel> panels = new ArrayList<>();
        if (!http.isEmpty()) {
            panels.add(new Panel("HTTP/1.1 plaintext: requests per second (higher is better)", http,
                    "rps", Chart::thousands, " connections"));
            // Server CPU per request is the steady figure on a machine whose load generator caps
            // req/s: it stands beside req/s, before the syscalls.
            panels.add(new Panel("HTTP/1.1 plaintext: server CPU µs per request (lower is better)", http,
                    "cpu_us_per_req", v -> String.format(Locale.ROOT, "%.1f", v), " connections"));
            panels.add(new Panel("HTTP/1.1 plaintext: syscalls per request (server process, lower is better)", http,
                    "syscalls_per_req", v -> String.format(Locale.ROOT, "%.2f", v), " connections"));
        }
        if (!resp.isEmpty()) {
            panels.add(new Panel("RESP, redis-benchmark -P 16 -c 500: requests per second, by command", resp,
                    "rps", Chart::thousands, ""));
        }
        Set<String> allStacks = new LinkedHashSet<>(http.stacks);
        allStacks.addAll(resp.stacks);
        List<String> colours = new ArrayList<>(allStacks);

        int height = TOP + panels.size() * PANEL_HEIGHT + 10;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
            g.drawString("Loomring side by side: medians of the same run", 20, 32);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            g.setColor(Color.DARK_GRAY);
            g.drawString(subtitle, 20, 56);
            int y = TOP;
            for (Panel p : panels) {
                draw(g, p, colours, y);
                y += PANEL_HEIGHT;
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private record Panel(String title, Results results, String column, DoubleFunction<String> label,
                         String levelSuffix) {}

    private static void draw(Graphics2D g, Panel p, List<String> colours, int top) {
        Results r = p.results();
        List<String> stacks = new ArrayList<>();
        for (String s : r.stacks) {
            boolean any = r.levels.stream().anyMatch(l -> !Double.isNaN(r.median(s, l, p.column())));
            if (any) {
                stacks.add(s);
            }
        }
        List<String> levels = new ArrayList<>(r.levels);
        int left = 90;
        int right = WIDTH - 20;
        int plotTop = top + 58;
        int plotBottom = top + PANEL_HEIGHT - 40;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(p.title(), 20, top + 20);

        // Legend, one entry per stack in this panel.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int lx = 20;
        for (String s : stacks) {
            g.setColor(colour(colours, s));
            g.fillRect(lx, top + 30, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(s, lx + 19, top + 42);
            lx += 19 + fm.stringWidth(s) + 22;
        }

        if (stacks.isEmpty()) {
            g.drawString("(not measured)", left, (plotTop + plotBottom) / 2);
            return;
        }
        double max = 0;
        for (String s : stacks) {
            for (String l : levels) {
                double v = r.median(s, l, p.column());
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double step = niceStep(max <= 0 ? 1 : max);
        double top2 = Math.ceil(max * 1.12 / step) * step;
        if (top2 <= 0) {
            top2 = step;
        }

        // Grid and axis labels.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        fm = g.getFontMetrics();
        for (double v = 0; v <= top2 + step / 2; v += step) {
            int y = plotBottom - (int) Math.round(v / top2 * (plotBottom - plotTop));
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String t = p.label().apply(v);
            g.drawString(t, left - 8 - fm.stringWidth(t), y + 4);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(left, plotBottom, right, plotBottom);

        int groupWidth = (right - left) / levels.size();
        int gap = Math.max(16, groupWidth / 8);
        int barWidth = Math.max(4, (groupWidth - gap) / stacks.size());
        for (int li = 0; li < levels.size(); li++) {
            int gx = left + li * groupWidth + gap / 2;
            for (int si = 0; si < stacks.size(); si++) {
                double v = r.median(stacks.get(si), levels.get(li), p.column());
                if (Double.isNaN(v)) {
                    continue;
                }
                int h = (int) Math.round(v / top2 * (plotBottom - plotTop));
                int x = gx + si * barWidth;
                g.setColor(colour(colours, stacks.get(si)));
                g.fillRect(x + 1, plotBottom - h, barWidth - 2, h);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, barWidth >= 50 ? 12 : 10));
                String t = p.label().apply(v);
                FontMetrics vm = g.getFontMetrics();
                g.drawString(t, x + (barWidth - vm.stringWidth(t)) / 2, plotBottom - h - 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            FontMetrics lm = g.getFontMetrics();
            String name = levelName(levels.get(li), p.levelSuffix());
            int cx = left + li * groupWidth + groupWidth / 2;
            g.drawString(name, cx - lm.stringWidth(name) / 2, plotBottom + 20);
        }
    }

    /** "256 connections", or for a level on another path ("256 /big") "256 connections, /big". */
    private static String levelName(String level, String suffix) {
        int space = level.indexOf(' ');
        return space < 0 ? level + suffix : level.substring(0, space) + suffix + "," + level.substring(space);
    }

    private static Color colour(List<String> all, String stack) {
        return PALETTE[all.indexOf(stack) % PALETTE.length];
    }

    private static double niceStep(double max) {
        double raw = max / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
    }

    private static String thousands(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, v >= 100_000 ? "%.0fk" : "%.1fk", v / 1000);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
