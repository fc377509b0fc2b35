package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.TestClient.Resp;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Small builders for the things most tests need: an account, and a key for it. */
public final class Fixtures {
    private Fixtures() {
    }

    public record Account(long id, String email) {
    }

    public static String uniqueEmail() {
        return "t" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    public static Account account(TestServer s) {
        return account(s.admin);
    }

    public static Account account(TestClient admin) {
        String email = uniqueEmail();
        Resp r = admin.post("/admin/v1/accounts", Map.of("email", email, "password", "correct horse battery"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new Account(r.json().get("id").asLong(), email);
    }

    /** Creates a key over the admin API and returns its text. */
    public static String apiKey(TestClient admin, long accountId) {
        return apiKey(admin, accountId, null);
    }

    public static String apiKey(TestClient admin, long accountId, String expiresAt) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "test key");
        if (expiresAt != null) {
            body.put("expires_at", expiresAt);
        }
        Resp r = admin.post("/admin/v1/accounts/" + accountId + "/api-keys", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("key").asText();
    }
}
