package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditType;
import io.gatehouse.auth.Secrets;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** What every grant handler shares: scope rules, new grants, and the token response. */
public final class Tokens {
    private final TokenIssuer issuer;
    private final GrantStore grants;
    private final IdGenerator ids;
    private final Clock clock;

    private final Audit audit;
    private final Revocations revocations;
    private final Duration grantMaxAge;

    /** @param grantMaxAge SPEC §11 v2 {@code GATEHOUSE_GRANT_MAX_AGE}: a grant's absolute lifetime */
    public Tokens(TokenIssuer issuer, GrantStore grants, IdGenerator ids, Clock clock, Audit audit, Revocations revocations,
                  Duration grantMaxAge) {
        this.audit = audit;
        this.revocations = revocations;
        this.grantMaxAge = grantMaxAge;
        this.issuer = issuer;
        this.grants = grants;
        this.ids = ids;
        this.clock = clock;
    }

    public GrantStore store() {
        return grants;
    }

    public TokenIssuer issuer() {
        return issuer;
    }

    public Clock clock() {
        return clock;
    }

    /** When a grant made at {@code createdAt} ends for good: no refresh at or after it (SPEC §11 v2). */
    public Instant grantEnd(Instant createdAt) {
        return createdAt.plus(grantMaxAge);
    }

    /** A new refresh token's expiry: the refresh lifetime from now, but never past its grant's end. */
    public Instant refreshExpiry(Instant grantCreatedAt) {
        Instant sliding = issuer.refreshExpiry();
        Instant end = grantEnd(grantCreatedAt);
        return sliding.isBefore(end) ? sliding : end;
    }

    public long newId() {
        return ids.next();
    }

    /** RFC 6749 §3.3: the requested scope, which must be within what is allowed; all of it when none was asked. */
    public static List<String> scope(String requested, List<String> allowed) {
        if (requested == null || requested.isBlank()) {
            return List.copyOf(allowed);
        }
        List<String> asked = Arrays.stream(requested.strip().split(" +")).distinct().toList();
        for (String s : asked) {
            if (!allowed.contains(s)) {
                throw OAuthException.invalidScope("Scope '" + s + "' is not granted to this app.");
            }
        }
        return asked;
    }

    /**
     * A new grant with its first tokens (client credentials). With {@code apiKeyId} (the {@code customer_key}), the
     * grant is written only if that key is still live at the commit: one revoked since it was checked (or whose
     * account was disabled or deleted since) gets {@code invalid_grant}, and only this caller of the group does.
     */
    public TokenResponse newGrant(App app, long accountId, String grantType, List<String> scope, Long apiKeyId) {
        String refresh = issuer.newRefreshToken();
        Grant grant = new Grant(ids.next(), app.clientId(), accountId, grantType, scope, apiKeyId, clock.instant(), null);
        String refreshHash = Secrets.sha256(refresh);
        Instant refreshExpiresAt = refreshExpiry(grant.createdAt());
        AuditEvent granted = audit.describe(Audit.event(AuditType.AUTHORIZATION_GRANTED).account(accountId).client(app.clientId())
                .detail("grant_type", grantType).detail("scope", scope).detail("grant_id", grant.id()));
        // The grant, its refresh token and the audit event commit together, in a commit shared with concurrent
        // grants (group commit); the answer goes out only after that commit. A grant refused because its key ended
        // writes nothing and throws nothing inside the group (which would roll back everyone's and make them all
        // again one by one): its caller is told after the commit. The group locks its keys in id order.
        AtomicBoolean refused = new AtomicBoolean();
        audit.inGroupCommit(apiKeyId == null ? 0 : apiKeyId, () -> {
            if (apiKeyId == null) {
                grants.createGrant(grant, refreshHash, refreshExpiresAt);
            } else if (!grants.createGrantOfLiveKey(grant, refreshHash, refreshExpiresAt)) {
                refused.set(true);
                return;
            }
            refused.set(false); // a group's failure runs the write again, alone
            audit.insert(granted);
        });
        if (refused.get()) {
            throw OAuthException.invalidGrant("customer_key is not a valid API key: it has been revoked.");
        }
        return respond(app, grant, scope, refresh);
    }

    /** The one way to revoke (a replayed code's or reused refresh token's grant). */
    public Revocations revocations() {
        return revocations;
    }

    /** The audit log, for the grant handlers' events. */
    public Audit audit() {
        return audit;
    }

    public TokenResponse respond(App app, Grant grant, List<String> scope, String refresh) {
        TokenIssuer.AccessToken at = issuer.accessToken(grant, scope);
        return new TokenResponse(at.value(), "Bearer", issuer.accessTtl().toSeconds(), refresh, String.join(" ", scope),
                TokenResponse.AppInfo.of(app));
    }

    /** SPEC §8: in development only the owner and test users may authorize an app. */
    public static void requireMayAuthorize(App app, long accountId) {
        if (!app.mayBeAuthorizedBy(accountId)) {
            throw OAuthException.invalidGrant("This app is in development mode and not yet approved: only its developer "
                    + "and its test users may authorize it.");
        }
    }
}
