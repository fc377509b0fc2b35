package io.gatehouse.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where API key records live. */
public interface ApiKeyStore {
    /**
     * Inserts the key unless its account already has {@code maxActive} active keys; atomic against
     * concurrent creations for the same account. Returns false when the limit was reached.
     */
    boolean insertIfUnderLimit(ApiKey key, String keyHash, int maxActive, Instant now);

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
