package io.gatehouse.auth;

import java.time.Instant;
import java.util.Set;

/**
 * What authentication learned about a request: whose it is, through which credential, and what it
 * may do. {@code scope} is null for credentials that act as the account itself (API keys, portal
 * sessions); an access token carries the permissions its app was granted when it was issued.
 */
public record Principal(
        long accountId,
        Kind kind,
        String credentialId,
        String clientId,
        Set<String> scope,
        Instant expiresAt,
        String subject) {

    public enum Kind { API_KEY, ACCESS_TOKEN, SESSION }

    /**
     * A principal; {@code subject} is computed once here because the rate limiter keys on it for every
     * request: an app's token counts against the app ({@code app:<client_id>}), an API key or a portal
     * session against its account's key bucket ({@code key:<account_id>}, SPEC §11).
     */
    public static Principal of(long accountId, Kind kind, String credentialId, String clientId, Set<String> scope,
                               Instant expiresAt) {
        String subject = clientId != null ? "app:" + clientId : "key:" + accountId;
        return new Principal(accountId, kind, credentialId, clientId, scope, expiresAt, subject);
    }

    /** The same principal counted against no bucket: portal pages are not API calls. */
    public Principal unmetered() {
        return new Principal(accountId, kind, credentialId, clientId, scope, expiresAt, null);
    }

    /** Whether this credential may call an endpoint guarded by {@code permission} (SPEC §6). */
    public boolean allows(String permission) {
        return permission == null || scope == null || scope.contains(permission);
    }

    /** The space-separated scope for the Gatehouse-Scope header and logs. */
    public String scopeText() {
        return scope == null ? "THIRD_PARTY_OPERATION" : String.join(" ", scope);
    }
}
