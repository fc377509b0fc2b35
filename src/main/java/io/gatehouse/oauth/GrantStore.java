package io.gatehouse.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Grants, authorization codes, refresh tokens and revoked access tokens. Codes and refresh tokens are stored hashed. */
public interface GrantStore {
    record Code(String codeHash, String clientId, long accountId, String redirectUri, List<String> scope,
                String codeChallenge, Instant createdAt, Instant expiresAt) {
    }

    /**
     * What presenting a code did: made a grant, found a replay (and revoked its grant), ended the code
     * ({@code ended}: the refusal to report, after the code was deleted), or nothing.
     */
    record CodeExchange(Grant grant, Long replayedGrant, RuntimeException ended) {
        public static final CodeExchange UNKNOWN = new CodeExchange(null, null, null);
    }

    /**
     * Checks a code about to be exchanged and says which grant to make; throws OAuthException to refuse
     * (the code stays usable), or {@link EndCode} to refuse and end the code for good.
     */
    @FunctionalInterface
    interface CodeCheck {
        Grant approve(Code code);
    }

    /** Thrown by a {@link CodeCheck} when the code must die with the refusal: SPEC §11 v2, a failed PKCE check. */
    final class EndCode extends RuntimeException {
        private final RuntimeException reason;

        public EndCode(RuntimeException reason) {
            super(reason.getMessage(), null, false, false);
            this.reason = reason;
        }

        public RuntimeException reason() {
            return reason;
        }
    }

    /**
     * Checks the grant of a refresh token about to be rotated and says when the new token expires; throws
     * OAuthException to refuse, which leaves the presented token usable (SPEC §11 v2: rotation only after
     * every check passed).
     */
    @FunctionalInterface
    interface RefreshCheck {
        java.time.Instant approve(Grant grant);
    }

    enum RefreshOutcome { ROTATED, UNKNOWN, REUSED, EXPIRED, REVOKED }

    record Refresh(RefreshOutcome outcome, Grant grant) {
    }

    void saveCode(Code code);

    /**
     * Exchanges a code, atomically: an unused, unexpired code that passes {@code check} becomes a grant
     * with its first refresh token. A code used before, presented again by its own client ({@code clientId}),
     * revokes the grant it made (RFC 6749 §4.1.2) and is reported as a replay; presented by another client it
     * is unknown, and ends nothing. A refused check leaves the code as it was, unless it threw {@link EndCode}:
     * then the code is deleted, that is committed, and the reason is returned in {@code ended}.
     */
    CodeExchange exchangeCode(String codeHash, String clientId, Instant now, CodeCheck check, String refreshHash,
                              Instant refreshExpiresAt);

    /** Creates a grant that did not come from a code (client credentials) with its first refresh token. */
    void createGrant(Grant grant, String refreshHash, Instant refreshExpiresAt);

    /**
     * {@link #createGrant} for a grant made with an API key ({@code customer_key}), only while that key is live:
     * false, and nothing written, if it was revoked since it was checked (by itself, or by its account's disabling
     * or deletion, which revoke the account's keys). Holds the key's row locked until the transaction ends, so a
     * revocation either went first and is seen here, or waits and then sees, and ends, this grant.
     */
    boolean createGrantOfLiveKey(Grant grant, String refreshHash, Instant refreshExpiresAt);

    /**
     * Uses a refresh token once and stores its replacement, atomically, once {@code check} approved its
     * grant (the replacement expires when the check says). A token used before revokes its whole grant
     * (RFC 9700 §4.14) and answers REUSED; an unknown, foreign, revoked or expired one changes nothing.
     */
    Refresh rotateRefresh(String clientId, String oldHash, String newHash, Instant now, RefreshCheck check);

    /** An unused, unexpired refresh token: its grant and its own expiry. */
    record LiveRefresh(Grant grant, Instant expiresAt) {
    }

    /**
     * An unused, unexpired refresh token's grant and expiry, for revocation and introspection: one lookup
     * (introspection once made two, the grant and then the expiry, and their cost is what grew with the
     * number of tokens issued; bench/README.md, issue 15).
     */
    Optional<LiveRefresh> liveRefresh(String refreshHash, Instant now);

    /** The grant of an unused, unexpired refresh token. */
    default Optional<Grant> grantOfRefresh(String refreshHash, Instant now) {
        return liveRefresh(refreshHash, now).map(LiveRefresh::grant);
    }

    Optional<Grant> grant(long id);

    /** Revokes the grant; true if this call revoked it. */
    boolean revokeGrant(long id, Instant now);

    /**
     * Revokes every live grant of this app for this account, and ends the codes and approved device codes it has not
     * exchanged yet; returns the grants' ids.
     */
    List<Long> revokeGrants(long accountId, String clientId, Instant now);

    /** Revokes every live grant made with this API key; returns their ids. */
    List<Long> revokeGrantsOfApiKey(long apiKeyId, Instant now);

    void revokeAccessToken(String jti, Instant expiresAt, Instant now);

    /** Whether an access token is dead: its grant revoked, or the token itself. */
    boolean isRevoked(long grantId, String jti);

    /** The account's live grants, for "Authorized apps". */
    List<Grant> liveGrants(long accountId);
}
