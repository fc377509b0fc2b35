package io.gatehouse.portal;

import io.gatehouse.ratelimit.UsageRecorder;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * An app's last hour as a bar chart, drawn on the server as SVG (no script, no CDN): one bar per minute
 * for requests, with the 429s in a second color on top of their minute, a text summary, and the same
 * numbers as a table for screen readers.
 */
final class UsageChart {
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private UsageChart() {
    }

    static String render(List<UsageRecorder.Minute> minutes, int limit) {
        long total = 0;
        long rejected = 0;
        long peak = 1;
        for (UsageRecorder.Minute m : minutes) {
            total += m.requests();
            rejected += m.rejected();
            peak = Math.max(peak, m.requests());
        }
        peak = Math.max(peak, limit);
        int w = 600;
        int h = 160;
        double bar = (double) w / minutes.size();
        StringBuilder svg = new StringBuilder();
        svg.append("<figure class=\"chart\"><svg viewBox=\"0 0 ").append(w).append(' ').append(h + 20)
                .append("\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" preserveAspectRatio=\"none\">")
                .append("<title id=\"chart-title\">Requests per minute, last hour</title>")
                .append("<desc id=\"chart-desc\">").append(total).append(" requests, ").append(rejected)
                .append(" refused with 429, in the last 60 minutes</desc>");
        double limitY = h - (double) limit / peak * h;
        svg.append("<line class=\"limit\" x1=\"0\" x2=\"").append(w).append("\" y1=\"").append(fmt(limitY))
                .append("\" y2=\"").append(fmt(limitY)).append("\"/>");
        for (int i = 0; i < minutes.size(); i++) {
            UsageRecorder.Minute m = minutes.get(i);
            if (m.requests() == 0) {
                continue;
            }
            double x = i * bar;
            double rh = (double) m.requests() / peak * h;
            double xh = (double) m.rejected() / peak * h;
            svg.append("<rect class=\"ok\" data-minute=\"").append(m.minute()).append("\" data-requests=\"").append(m.requests())
                    .append("\" data-rejected=\"").append(m.rejected()).append("\" x=\"").append(fmt(x + 1)).append("\" y=\"")
                    .append(fmt(h - rh)).append("\" width=\"").append(fmt(Math.max(1, bar - 2))).append("\" height=\"")
                    .append(fmt(rh)).append("\"/>");
            if (m.rejected() > 0) {
                svg.append("<rect class=\"rejected\" x=\"").append(fmt(x + 1)).append("\" y=\"").append(fmt(h - xh))
                        .append("\" width=\"").append(fmt(Math.max(1, bar - 2))).append("\" height=\"").append(fmt(xh)).append("\"/>");
            }
        }
        svg.append("<text x=\"0\" y=\"").append(h + 16).append("\">").append(HHMM.format(minutes.get(0).minute()))
                .append("</text><text x=\"").append(w).append("\" y=\"").append(h + 16).append("\" text-anchor=\"end\">")
                .append(HHMM.format(minutes.get(minutes.size() - 1).minute())).append(" UTC</text></svg>");
        svg.append("<figcaption><span class=\"summary\" data-requests=\"").append(total).append("\" data-rejected=\"")
                .append(rejected).append("\">Last hour: ").append(total).append(" requests, ").append(rejected)
                .append(" refused (429)</span> · <span class=\"key ok\">requests</span> <span class=\"key rejected\">429s</span>")
                .append(" <span class=\"key limit\">limit ").append(limit).append("/min</span></figcaption>");
        svg.append("<details><summary>Numbers per minute</summary><table><thead><tr><th scope=\"col\">Minute (UTC)</th>")
                .append("<th scope=\"col\">Requests</th><th scope=\"col\">429s</th></tr></thead><tbody>");
        for (UsageRecorder.Minute m : minutes) {
            if (m.requests() > 0) {
                svg.append("<tr><td>").append(HHMM.format(m.minute())).append("</td><td>").append(m.requests())
                        .append("</td><td>").append(m.rejected()).append("</td></tr>");
            }
        }
        svg.append("</tbody></table></details></figure>");
        return svg.toString();
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
