package io.gatehouse.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where API key records live. */
public interface ApiKeyStore {
    /**
     * Inserts the key unless its account already has {@code maxActive} active keys or is disabled or deleted;
     * atomic against concurrent creations for the same account and against its disabling or deletion (which
     * revoke every key of the account: a live key means a live account, which client credentials rely on).
     */
    Insert insertIfUnderLimit(ApiKey key, String keyHash, int maxActive, Instant now);

    /** What {@link #insertIfUnderLimit} did. */
    enum Insert { INSERTED, AT_LIMIT, ACCOUNT_ENDED }

    Optional<ApiKey> byId(long id);

    /** The stored SHA-256 hex of the key, with its record. */
    Optional<Stored> withHash(long id);

    List<ApiKey> byAccount(long accountId);

    /** Marks the key revoked if it is neither revoked nor expired; true if this call revoked it. */
    boolean revoke(long id, Instant now);

    /** Moves last_used_at forward (never back) for each key. */
    void touch(Map<Long, Instant> lastUsed);

    record Stored(ApiKey key, String hash) {
        @Override
        public String toString() {
            return "Stored[" + key.id() + "]";
        }
    }
}
