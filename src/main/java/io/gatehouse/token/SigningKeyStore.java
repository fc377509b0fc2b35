package io.gatehouse.token;

import java.time.Instant;
import java.util.List;

/** Where the server's signing keys live, shared by every node on the same database. */
public interface SigningKeyStore {
    record StoredKey(String kid, String purpose, String algorithm, String secretEnc, String publicJwk,
                     Instant createdAt, Instant retiredAt) {
        @Override
        public String toString() {
            return "StoredKey[" + kid + " " + purpose + "]";
        }
    }

    /** Every key that is not retired, newest first. */
    List<StoredKey> usable();

    void insert(StoredKey key);

    /**
     * Retires every key of a purpose that a newer key of that purpose replaced before {@code replacedBefore}
     * (the newer one was created then); returns the kids this call retired (another node's retirement of
     * the same key is not counted twice). Joins the caller's transaction.
     */
    List<String> retireReplacedBefore(String purpose, Instant replacedBefore, Instant now);
}
