package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.portal.Sessions;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestServer;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Credentials handed out before our prefixes changed ({@code ghc_}, {@code ghs_}, {@code ghr_},
 * {@code ghsess_}) keep working, on both databases; what is minted now carries the new prefixes.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LegacyCredentialsTest {
    @Parameter
    Backend backend;

    @Test
    void an_app_a_refresh_token_and_a_session_from_before_the_new_prefixes_keep_working() {
        TestServer server = TestServer.shared(backend);
        OAuthHarness h = new OAuthHarness(server);
        OAuthHarness.User owner = h.user();
        OAuthHarness.Client current = h.confidential(owner);
        assertThat(current.id()).matches(CredentialFormat.CLIENT_ID.scannerPattern());
        assertThat(current.secret()).matches(CredentialFormat.CLIENT_SECRET.scannerPattern());

        // An app registered by an earlier version: its id and secret have the old prefixes.
        String legacyId = "ghc_" + Secrets.randomText(15);
        String legacySecret = "ghs_" + Secrets.randomText(32);
        server.sql("INSERT INTO apps (client_id, owner_id, name, description, client_type, secret_hash, redirect_uris, permissions,"
                + " pending_permissions, mode, review_status, review_note, rate_limit_per_minute, created_at, updated_at)"
                + " SELECT ?, owner_id, name, description, client_type, ?, redirect_uris, permissions, pending_permissions, mode,"
                + " review_status, review_note, rate_limit_per_minute, created_at, updated_at FROM apps WHERE client_id = ?",
                legacyId, Secrets.sha256(legacySecret), current.id());
        OAuthHarness.Client legacy = new OAuthHarness.Client(legacyId, legacySecret, current.permissions());

        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = h.code(owner, legacy, new State(), verifier);
        TokenResponse tokens = h.codeGrant(legacy, code, verifier);
        OAuthHarness.accessToken(tokens);
        String issued = tokens.toSuccessResponse().getTokens().getRefreshToken().getValue();
        assertThat(issued).matches(CredentialFormat.REFRESH_TOKEN.scannerPattern());

        // ... and a refresh token that an earlier version handed out for it.
        String legacyRefresh = "ghr_" + Secrets.randomText(32);
        assertThat(server.sql("UPDATE refresh_tokens SET token_hash = ? WHERE token_hash = ?",
                Secrets.sha256(legacyRefresh), Secrets.sha256(issued))).isEqualTo(1);
        TokenResponse refreshed = h.refresh(legacy, new RefreshToken(legacyRefresh));
        OAuthHarness.accessToken(refreshed);
        assertThat(refreshed.toSuccessResponse().getTokens().getRefreshToken().getValue())
                .matches(CredentialFormat.REFRESH_TOKEN.scannerPattern());

        // A portal session started by an earlier version.
        String legacySession = "ghsess_" + Secrets.randomText(32);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        server.sql("INSERT INTO sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                Secrets.sha256(legacySession), owner.id(), now, now.plusHours(1));
        assertThat(server.api.get("/portal/keys", "Cookie", Sessions.COOKIE + "=" + legacySession).status()).isEqualTo(200);
        String forged = CredentialFormat.SESSION.prefix() + "a".repeat(CredentialFormat.RANDOM_CHARS + CredentialFormat.CHECKSUM_CHARS);
        assertThat(server.api.get("/portal/keys", "Cookie", Sessions.COOKIE + "=" + forged).status()).isNotEqualTo(200);
    }
}
