package io.gatehouse.oauth;

import java.time.Instant;
import java.util.List;

/**
 * One token family: a code exchange or a client-credentials issue, and every refresh after it.
 * Every token carries its grant's id; revoking the grant revokes the family.
 */
public record Grant(long id, String clientId, long accountId, String grantType, List<String> scope, Long apiKeyId,
                    Instant createdAt, Instant revokedAt) {
    public boolean isRevoked() {
        return revokedAt != null;
    }
}
