package io.gatehouse.portal;

import io.gatehouse.ratelimit.UsageRecorder;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An app's last hour as a bar chart, drawn on the server as SVG (no script, no CDN; chart.jte): one bar
 * per minute for requests, with the 429s in a second color on top of their minute, a text summary, and
 * the same numbers as a table for screen readers. This class does the geometry; the template draws it.
 */
record UsageChart(int width, int height, String limitY, List<Bar> bars, String from, String to, long total, long rejected,
                  int limit) {
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final int W = 600;
    private static final int H = 160;

    /** One minute with traffic: its bar ({@code y}, {@code h}) and its 429s ({@code ry}, {@code rh}, when any). */
    record Bar(String minute, String time, long requests, long rejected, String x, String w, String y, String h, String ry, String rh) {
    }

    static UsageChart of(List<UsageRecorder.Minute> minutes, int limit) {
        long total = 0;
        long rejected = 0;
        long peak = 1;
        for (UsageRecorder.Minute m : minutes) {
            total += m.requests();
            rejected += m.rejected();
            peak = Math.max(peak, m.requests());
        }
        peak = Math.max(peak, limit);
        double bar = (double) W / minutes.size();
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < minutes.size(); i++) {
            UsageRecorder.Minute m = minutes.get(i);
            if (m.requests() == 0) {
                continue;
            }
            double rh = (double) m.requests() / peak * H;
            double xh = (double) m.rejected() / peak * H;
            bars.add(new Bar(m.minute().toString(), HHMM.format(m.minute()), m.requests(), m.rejected(), fmt(i * bar + 1),
                    fmt(Math.max(1, bar - 2)), fmt(H - rh), fmt(rh), fmt(H - xh), fmt(xh)));
        }
        return new UsageChart(W, H, fmt(H - (double) limit / peak * H), bars, HHMM.format(minutes.get(0).minute()),
                HHMM.format(minutes.get(minutes.size() - 1).minute()), total, rejected, limit);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
