package io.gatehouse.token;

import io.gatehouse.store.Jdbc;
import java.time.Instant;
import java.util.List;

public final class JdbcSigningKeyStore implements SigningKeyStore {
    private final Jdbc jdbc;

    public JdbcSigningKeyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<StoredKey> usable() {
        return jdbc.list("SELECT kid, purpose, algorithm, secret_enc, public_jwk, created_at, retired_at"
                        + " FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid DESC",
                rs -> new StoredKey(rs.getString("kid"), rs.getString("purpose"), rs.getString("algorithm"),
                        rs.getString("secret_enc"), rs.getString("public_jwk"), Jdbc.instant(rs, "created_at"),
                        Jdbc.instant(rs, "retired_at")));
    }

    @Override
    public void insert(StoredKey k) {
        jdbc.update("INSERT INTO signing_keys (kid, purpose, algorithm, secret_enc, public_jwk, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", k.kid(), k.purpose(), k.algorithm(), k.secretEnc(), k.publicJwk(), k.createdAt());
    }

    @Override
    public List<String> retireReplacedBefore(String purpose, Instant replacedBefore, Instant now) {
        List<String> candidates = jdbc.list("SELECT k.kid FROM signing_keys k WHERE k.purpose = ? AND k.retired_at IS NULL"
                + " AND EXISTS (SELECT 1 FROM signing_keys n WHERE n.purpose = k.purpose AND n.created_at > k.created_at"
                + " AND n.created_at < ?)", rs -> rs.getString(1), purpose, replacedBefore);
        List<String> retired = new java.util.ArrayList<>();
        for (String kid : candidates) {
            if (jdbc.update("UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL", now, kid) == 1) {
                retired.add(kid);
            }
        }
        return retired;
    }
}
