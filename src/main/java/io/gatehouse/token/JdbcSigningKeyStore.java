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
    public int retireOlderThan(String purpose, Instant before, Instant now) {
        return jdbc.update("UPDATE signing_keys SET retired_at = ? WHERE purpose = ? AND retired_at IS NULL"
                + " AND created_at < ? AND kid <> (SELECT kid FROM signing_keys WHERE purpose = ? AND retired_at IS NULL"
                + " ORDER BY created_at DESC, kid DESC LIMIT 1)", now, purpose, before, purpose);
    }
}
