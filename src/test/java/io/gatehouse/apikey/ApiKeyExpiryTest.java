package io.gatehouse.apikey;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Expiry is exact: a server whose clock the test moves. */
class ApiKeyExpiryTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_key_that_expires_two_seconds_ahead_works_then_is_401_once_the_time_passes() {
        Fixtures.Account a = Fixtures.account(server.admin);
        Instant expires = CLOCK.instant().plusSeconds(2);
        String key = Fixtures.apiKey(server.admin, a.id(), expires.toString());
        Resp before = server.api.get("/v1.0/me", token(key));
        assertThat(before.status()).isEqualTo(200);
        assertThat(before.header("Gatehouse-Key-Expires")).isEqualTo(expires.toString());

        CLOCK.advance(Duration.ofMillis(1999));
        assertThat(server.api.get("/v1.0/me", token(key)).status()).isEqualTo(200);
        CLOCK.advance(Duration.ofMillis(1));
        Resp after = server.api.get("/v1.0/me", token(key));
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("message").asText()).contains("expired");
        assertThat(server.admin.get("/admin/v1/accounts/" + a.id() + "/api-keys").json()
                .get("api_keys").get(0).get("status").asText()).isEqualTo("expired");
    }

    @Test
    void expired_keys_do_not_count_against_the_ten_active() {
        Fixtures.Account a = Fixtures.account(server.admin);
        String path = "/admin/v1/accounts/" + a.id() + "/api-keys";
        for (int i = 0; i < 10; i++) {
            server.admin.post(path, Map.of("name", "k" + i, "expires_at", CLOCK.instant().plusSeconds(60).toString()));
        }
        assertThat(server.admin.post(path, Map.of("name", "over")).status()).isEqualTo(409);
        CLOCK.advance(Duration.ofSeconds(61));
        assertThat(server.admin.post(path, Map.of("name", "fresh")).status()).isEqualTo(201);
    }

    @Test
    void a_bare_date_means_one_minute_past_midnight_utc() {
        assertThat(ApiKeyEndpoints.parseExpiry("2030-05-17")).isEqualTo(Instant.parse("2030-05-17T00:01:00Z"));
        assertThat(ApiKeyEndpoints.parseExpiry("2030-05-17T10:00:00+02:00")).isEqualTo(Instant.parse("2030-05-17T08:00:00Z"));
    }
}
