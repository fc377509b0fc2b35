package io.gatehouse.oauth;

import io.gatehouse.store.Jdbc;
import java.time.Instant;
import java.util.Optional;

/**
 * What an id_token says about the login behind it (OpenID Connect Core 1.0 §2): the nonce of the
 * authorization request, stored with its code, and the time the account logged in, stored with the
 * code and then with the grant (a refreshed id_token repeats it, §12.2).
 */
public final class AuthenticationFacts {
    /** The login behind a code: when the account logged in, and the nonce the client sent (or null). */
    public record Login(Instant authTime, String nonce) {
    }

    private final Jdbc jdbc;

    public AuthenticationFacts(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void saveCode(String codeHash, Login login) {
        jdbc.update("INSERT INTO oidc_code_claims (code_hash, nonce, auth_time) VALUES (?, ?, ?)",
                codeHash, login.nonce(), login.authTime());
    }

    public Optional<Login> ofCode(String codeHash) {
        return jdbc.one("SELECT nonce, auth_time FROM oidc_code_claims WHERE code_hash = ?",
                rs -> new Login(Jdbc.instant(rs, "auth_time"), rs.getString("nonce")), codeHash);
    }

    public void saveGrant(long grantId, Instant authTime) {
        jdbc.update("INSERT INTO oidc_grants (grant_id, auth_time) VALUES (?, ?)", grantId, authTime);
    }

    public Optional<Instant> authTimeOfGrant(long grantId) {
        return jdbc.one("SELECT auth_time FROM oidc_grants WHERE grant_id = ?", rs -> Jdbc.instant(rs, "auth_time"), grantId);
    }
}
