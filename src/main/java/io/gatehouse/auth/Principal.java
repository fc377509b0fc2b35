package io.gatehouse.auth;

import io.gatehouse.ratelimit.Bucket;
import java.time.Instant;
import java.util.List;
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
        List<Bucket> buckets) {

    public enum Kind { API_KEY, ACCESS_TOKEN, SESSION }

    /** A principal as its credential describes it; the buckets are added when a request is authenticated. */
    public static Principal of(long accountId, Kind kind, String credentialId, String clientId, Set<String> scope,
                               Instant expiresAt) {
        return new Principal(accountId, kind, credentialId, clientId, scope, expiresAt, List.of());
    }

    /**
     * The same principal counting against these buckets (SPEC §6 "Buckets"): authentication decides which
     * buckets a request counts against, metering only counts.
     */
    public Principal withBuckets(List<Bucket> buckets) {
        return new Principal(accountId, kind, credentialId, clientId, scope, expiresAt, List.copyOf(buckets));
    }

    /** The same principal counted against no bucket: portal pages are not API calls. */
    public Principal unmetered() {
        return buckets.isEmpty() ? this : withBuckets(List.of());
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
