package io.gatehouse.apikey;

import static io.gatehouse.testing.TestClient.bearer;
import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** SPEC §2, §4: API keys end to end over real HTTP, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class ApiKeysApiTest {
    @Parameter
    Backend backend;

    private TestServer server() {
        return TestServer.shared(backend);
    }

    private TestClient api() {
        return server().api;
    }

    private TestClient admin() {
        return server().admin;
    }

    @Test
    void a_key_created_over_the_admin_api_authenticates_as_its_account() {
        Fixtures.Account a = Fixtures.account(admin());
        Resp created = admin().post("/admin/v1/accounts/" + a.id() + "/api-keys",
                Map.of("name", "ci", "description", "the build"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode k = created.json();
        assertThat(k.get("key").asText()).startsWith(ApiKeyFormat.PREFIX);
        assertThat(k.get("name").asText()).isEqualTo("ci");
        assertThat(k.get("status").asText()).isEqualTo("active");
        assertThat(k.get("expires_at").isNull()).isTrue();

        Resp me = api().get("/v1.0/me", token(k.get("key").asText()));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("email").asText()).isEqualTo(a.email());
        assertThat(me.json().get("id").asLong()).isEqualTo(a.id());
        assertThat(me.header("Gatehouse-Key-Expires")).isNull();
    }

    @Test
    void the_scheme_word_is_case_insensitive() {
        String key = Fixtures.apiKey(admin(), Fixtures.account(admin()).id());
        assertThat(api().get("/v1.0/me", "Authorization", "TOKEN " + key).status()).isEqualTo(200);
        assertThat(api().get("/v1.0/me", "Authorization", "Token " + key).status()).isEqualTo(200);
    }

    @Test
    void a_key_sent_as_bearer_is_401_naming_the_token_scheme() {
        String key = Fixtures.apiKey(admin(), Fixtures.account(admin()).id());
        Resp r = api().get("/v1.0/me", bearer(key));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("message").asText()).contains("Authorization: token");
        assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void an_access_token_sent_as_token_is_401_naming_the_bearer_scheme() {
        String jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiIxIn0.c2ln";
        Resp r = api().get("/v1.0/me", token(jwt));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("message").asText()).contains("Bearer");
    }

    @Test
    void a_key_with_one_payload_character_changed_is_401() {
        String key = Fixtures.apiKey(admin(), Fixtures.account(admin()).id());
        String[] p = key.split("\\.");
        char c = p[1].charAt(10);
        String forged = p[0] + "." + p[1].substring(0, 10) + (c == 'x' ? 'y' : 'x') + p[1].substring(11) + "." + p[2];
        Resp r = api().get("/v1.0/me", token(forged));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("code").asInt()).isEqualTo(200401);
    }

    @Test
    void anything_malformed_is_401_never_500() {
        String key = Fixtures.apiKey(admin(), Fixtures.account(admin()).id());
        String[] p = key.split("\\.");
        List<String> bad = new ArrayList<>(List.of(
                "%%%not-base64%%%",
                ApiKeyFormat.PREFIX + "!!!." + p[2],                                   // bad base64 payload
                "eyJhbGciOiJub25lIn0." + p[1] + ".",                                   // alg none, wrong header
                p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 4) + "AAAA", // bad signature
                p[0] + "." + p[1],                                                    // no signature
                ApiKeyFormat.PREFIX + "x".repeat(100_000)));                           // a 100 kB header
        for (String b : bad) {
            Resp r = api().get("/v1.0/me", token(b));
            assertThat(r.status()).as(b.length() > 80 ? b.substring(0, 80) : b).isEqualTo(401);
            assertThat(r.json().get("code").asInt()).isEqualTo(200401);
        }
        assertThat(api().get("/v1.0/me", "Authorization", "token").status()).isEqualTo(401);
        assertThat(api().get("/v1.0/me", "Authorization", "token    ").status()).isEqualTo(401);
    }

    @Test
    void revoking_a_key_refuses_its_very_next_request() {
        Fixtures.Account a = Fixtures.account(admin());
        Resp created = admin().post("/admin/v1/accounts/" + a.id() + "/api-keys", Map.of("name", "to revoke"));
        String key = created.json().get("key").asText();
        long id = created.json().get("id").asLong();
        assertThat(api().get("/v1.0/me", token(key)).status()).isEqualTo(200);

        Resp revoked = admin().delete("/admin/v1/api-keys/" + id);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("status").asText()).isEqualTo("revoked");

        Resp after = api().get("/v1.0/me", token(key));
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("message").asText()).contains("revoked");
        assertThat(admin().delete("/admin/v1/api-keys/" + id).json().get("status").asText()).isEqualTo("revoked");
        assertThat(admin().delete("/admin/v1/api-keys/999").status()).isEqualTo(404);
    }

    @Test
    void the_eleventh_active_key_is_409_until_one_is_revoked() {
        Fixtures.Account a = Fixtures.account(admin());
        String path = "/admin/v1/accounts/" + a.id() + "/api-keys";
        long first = 0;
        for (int i = 0; i < 10; i++) {
            Resp r = admin().post(path, Map.of("name", "k" + i));
            assertThat(r.status()).isEqualTo(201);
            if (i == 0) {
                first = r.json().get("id").asLong();
            }
        }
        Resp eleventh = admin().post(path, Map.of("name", "k10"));
        assertThat(eleventh.status()).isEqualTo(409);
        assertThat(eleventh.json().get("code").asInt()).isEqualTo(20009);
        assertThat(admin().get(path).json().get("api_keys")).hasSize(10);

        admin().delete("/admin/v1/api-keys/" + first);
        assertThat(admin().post(path, Map.of("name", "k10")).status()).isEqualTo(201);
    }

    @Test
    void listing_shows_metadata_and_last_use_but_never_a_key() {
        Fixtures.Account a = Fixtures.account(admin());
        String key = Fixtures.apiKey(admin(), a.id());
        api().get("/v1.0/me", token(key));
        for (Resp list : List.of(admin().get("/admin/v1/accounts/" + a.id() + "/api-keys"),
                api().get("/v1.0/me/api-keys", token(key)))) {
            assertThat(list.status()).isEqualTo(200);
            JsonNode k = list.json().get("api_keys").get(0);
            assertThat(k.has("key")).isFalse();
            assertThat(list.body()).doesNotContain(key).doesNotContain(key.split("\\.")[2]);
            assertThat(k.get("status").asText()).isEqualTo("active");
            assertThat(k.get("created_at").asText()).endsWith("Z");
            assertThat(k.get("last_used_at").asText()).endsWith("Z");
            for (String field : List.of("id", "name", "description", "status", "created_at", "expires_at", "last_used_at")) {
                assertThat(k.has(field)).as(field).isTrue();
            }
        }
    }

    @Test
    void an_account_manages_its_own_keys_with_a_key_and_cannot_touch_anothers() {
        Fixtures.Account a = Fixtures.account(admin());
        Fixtures.Account b = Fixtures.account(admin());
        String keyA = Fixtures.apiKey(admin(), a.id());
        Resp created = api().post("/v1.0/me/api-keys", Map.of("name", "script", "expires_at", "2099-01-31"), token(keyA));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("expires_at").asText()).isEqualTo("2099-01-31T00:01:00Z");
        String second = created.json().get("key").asText();
        Resp viaSecond = api().get("/v1.0/me", token(second));
        assertThat(viaSecond.header("Gatehouse-Key-Expires")).isEqualTo("2099-01-31T00:01:00Z");

        long keyOfB = admin().post("/admin/v1/accounts/" + b.id() + "/api-keys", Map.of("name", "b")).json().get("id").asLong();
        assertThat(api().delete("/v1.0/me/api-keys/" + keyOfB, token(keyA)).status()).isEqualTo(404);
        assertThat(api().get("/v1.0/me/api-keys", token(keyA)).json().get("api_keys")).hasSize(2);

        long secondId = created.json().get("id").asLong();
        assertThat(api().delete("/v1.0/me/api-keys/" + secondId, token(keyA)).status()).isEqualTo(200);
        assertThat(api().get("/v1.0/me", token(second)).status()).isEqualTo(401);
        assertThat(api().get("/v1.0/me/api-keys").status()).isEqualTo(401);
    }

    @Test
    void bad_key_requests_are_400_and_create_nothing() {
        Fixtures.Account a = Fixtures.account(admin());
        String path = "/admin/v1/accounts/" + a.id() + "/api-keys";
        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of(), Map.of("name", ""), Map.of("name", 7), Map.of("name", "x".repeat(101)),
                Map.of("name", "k", "expires_at", "next tuesday"), Map.of("name", "k", "expires_at", "2001-01-01"),
                Map.of("name", "k", "description", "d".repeat(501)))) {
            Resp r = admin().post(path, body);
            assertThat(r.status()).as(body.toString()).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        }
        assertThat(admin().get(path).json().get("api_keys")).isEmpty();
        assertThat(admin().post("/admin/v1/accounts/424242/api-keys", Map.of("name", "k")).status()).isEqualTo(404);
    }

    @Test
    void no_key_ever_reaches_the_log() {
        Fixtures.Account a = Fixtures.account(admin());
        String key = Fixtures.apiKey(admin(), a.id());
        api().get("/v1.0/me", token(key));
        api().get("/v1.0/me", bearer(key));
        api().get("/" + key, token(key));
        api().get("/v1.0/leads?key=" + key, token(key));
        String signature = key.split("\\.")[2];
        assertThat(LogCapture.all()).doesNotContain(signature);
    }
}
