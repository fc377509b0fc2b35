package io.gatehouse.pipeline;

import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.util.List;
import java.util.Locale;

/**
 * SPEC §11, the admin listener against browsers: a page on another site must not drive the admin API,
 * even with no admin token set (the default). Three checks, each a 403 that changes nothing:
 * <ul>
 * <li>{@code Host} must be one of GATEHOUSE_ADMIN_HOSTS (any port): a DNS-rebinding page reaches us
 *     under its own host name. Health, readiness and metrics answer any host (probes address us by IP).</li>
 * <li>An {@code Origin} other than the admin listener's own, or a {@code Sec-Fetch-Site} other than
 *     {@code same-origin} / {@code none}, is a browser on another site (another port of localhost too).</li>
 * <li>A state-changing call (POST, PUT, PATCH; DELETE with a body) must send
 *     {@code Content-Type: application/json}: the one type a cross-site form or simple fetch cannot send.</li>
 * </ul>
 */
public final class AdminGuardStage implements Stage {
    private final List<String> hosts;

    public AdminGuardStage(List<String> hosts) {
        this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public void apply(Exchange ex) {
        String host = ex.header("Host");
        boolean open = ex.route() != null && ex.route().access() == Route.Access.OPEN;
        if (!open && (host == null || !hosts.contains(hostName(host)))) {
            throw ApiException.forbidden("The admin API does not answer to this Host; list it in GATEHOUSE_ADMIN_HOSTS.");
        }
        String origin = ex.header("Origin");
        if (origin != null && (host == null || !isOwnOrigin(origin, host))) {
            throw ApiException.forbidden("The admin API does not take calls from web pages of other sites.");
        }
        String site = ex.header("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            throw ApiException.forbidden("The admin API does not take calls from web pages of other sites.");
        }
        String method = ex.method();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return;
        }
        boolean carriesBody = !method.equals("DELETE") || ex.declaredContentLength() > 0
                || ex.header("Content-Type") != null || ex.header("Transfer-Encoding") != null;
        if (carriesBody && !SessionCallGuard.isJson(ex.header("Content-Type"))) {
            throw ApiException.forbidden("A state-changing admin call must send Content-Type: application/json.");
        }
    }

    /** {@code example.com:8081} → {@code example.com}; {@code [::1]:8081} → {@code ::1}. */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 || h.indexOf(':', colon + 1) >= 0 ? h : h.substring(0, colon);
    }

    private static boolean isOwnOrigin(String origin, String host) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        String h = host.strip().toLowerCase(Locale.ROOT);
        return o.equals("http://" + h) || o.equals("https://" + h);
    }
}
