package io.gatehouse.pipeline;

import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.helidon.http.HeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * When GATEHOUSE_ADMIN_TOKEN is set, the admin API needs {@code Authorization: Bearer <it>},
 * compared in constant time. Health, readiness and metrics stay open for probes and scrapers.
 */
public final class AdminTokenStage implements Stage {
    private final byte[] token;
    private final Audit audit;

    public AdminTokenStage(String token, Audit audit) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.audit = audit;
    }

    /** SPEC §9: a refused admin token is an audit event (the token sent is never recorded). */
    private void refused(String reason) {
        audit.record(Audit.event(AuditType.ADMIN_TOKEN_REFUSED).actor(null).detail("reason", reason));
    }

    @Override
    public void apply(Exchange ex) {
        if (token == null || ex.route().access() == Route.Access.OPEN) {
            return;
        }
        String header = ex.header(HeaderNames.AUTHORIZATION);
        if (header == null) {
            refused("missing");
            throw ApiException.unauthorized("The admin API needs Authorization: Bearer <GATEHOUSE_ADMIN_TOKEN>.", false);
        }
        boolean bearer = header.regionMatches(true, 0, "Bearer ", 0, 7);
        byte[] sent = (bearer ? header.substring(7).strip() : "").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(sent, token)) {
            refused("wrong");
            throw ApiException.unauthorized("The admin token is not valid.", true);
        }
    }
}
