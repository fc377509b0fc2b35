package io.gatehouse.apikey;

import java.time.Instant;

/** An API key's record: metadata only; the key itself is never stored. */
public record ApiKey(long id, long accountId, String name, String description, Instant createdAt,
                     Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {

    public enum Status { ACTIVE, EXPIRED, REVOKED }

    /** Revoked and expired are final; a key revoked after it expired stays expired. */
    public Status status(Instant now) {
        if (expiresAt != null && !now.isBefore(expiresAt) && (revokedAt == null || !revokedAt.isBefore(expiresAt))) {
            return Status.EXPIRED;
        }
        if (revokedAt != null) {
            return Status.REVOKED;
        }
        return Status.ACTIVE;
    }

    public ApiKey withLastUsed(Instant t) {
        return new ApiKey(id, accountId, name, description, createdAt, expiresAt, revokedAt, t);
    }
}
