package io.gatehouse.oauth;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.gatehouse.app.App;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.app.Apps;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SPEC §5: the apps an account authorized, and taking one back (every token of that app for the account). */
public final class Authorizations {
    private final GrantStore grants;
    private final Apps apps;
    private final Revocations revocations;
    private final Clock clock;

    /** One app an account let in: the union of its live grants' scopes, and when it was first authorized. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Authorization(String clientId, String name, String mode, String scope, Instant authorizedAt) {
    }

    private final Audit audit;

    public Authorizations(GrantStore grants, Apps apps, Revocations revocations, Clock clock, Audit audit) {
        this.audit = audit;
        this.grants = grants;
        this.apps = apps;
        this.revocations = revocations;
        this.clock = clock;
    }

    public List<Authorization> list(long accountId) {
        Map<String, Set<String>> scopes = new LinkedHashMap<>();
        Map<String, Instant> since = new LinkedHashMap<>();
        for (Grant g : grants.liveGrants(accountId)) {
            scopes.computeIfAbsent(g.clientId(), k -> new LinkedHashSet<>()).addAll(g.scope());
            since.putIfAbsent(g.clientId(), g.createdAt());
        }
        List<Authorization> out = new ArrayList<>();
        for (var e : scopes.entrySet()) {
            App app = apps.get(e.getKey()).orElse(null);
            out.add(new Authorization(e.getKey(), app == null ? e.getKey() : app.name(), app == null ? null : app.mode().wire(),
                    String.join(" ", e.getValue()), since.get(e.getKey())));
        }
        return out;
    }

    /** The account consented (RFC 6749 §4.1.2): the code is stored with its audit record. */
    public void consent(GrantStore.Code code) {
        audit.inTransactionRun(() -> {
            grants.saveCode(code);
            audit.record(Audit.event(AuditType.AUTHORIZATION_GRANTED).account(code.accountId()).client(code.clientId())
                    .detail("grant_type", "authorization_code").detail("scope", code.scope()));
        });
    }

    /** Revokes every grant of the app for the account; returns how many. */
    public int revoke(long accountId, String clientId) {
        return revocations.run(ended -> {
            List<Long> ids = grants.revokeGrants(accountId, clientId, clock.instant());
            if (!ids.isEmpty()) {
                audit.record(Audit.event(AuditType.AUTHORIZATION_REVOKED).account(accountId).client(clientId)
                        .detail("grants", ids.size()));
            }
            ids.forEach(id -> ended.add(Revocation.grant(id)));
            return ids.size();
        });
    }

    /**
     * The customer key was the account's consent (SPEC §5 client credentials): from now on, revoking an
     * API key also revokes every grant made with it, in the key's own transaction.
     */
    public void endGrantsWithTheirApiKey() {
        revocations.cascade(Revocation.Kind.API_KEY, (key, ended) -> {
            long keyId = Long.parseLong(key.id());
            for (long id : grants.revokeGrantsOfApiKey(keyId, clock.instant())) {
                grants.grant(id).ifPresent(g -> audit.record(Audit.event(AuditType.AUTHORIZATION_REVOKED)
                        .account(g.accountId()).client(g.clientId()).detail("grant_id", id).detail("api_key_id", keyId)));
                ended.add(Revocation.grant(id));
            }
        });
    }

    /** The client revoked a refresh token (RFC 7009 §2.1): its grant ends, with every token of it. */
    public void revokeGrant(Grant g) {
        revocations.run(ended -> {
            if (grants.revokeGrant(g.id(), clock.instant())) {
                audit.record(Audit.event(AuditType.AUTHORIZATION_REVOKED).account(g.accountId()).client(g.clientId())
                        .detail("grant_id", g.id()).detail("by", "client"));
                ended.add(Revocation.grant(g.id()));
            }
            return null;
        });
    }
}
