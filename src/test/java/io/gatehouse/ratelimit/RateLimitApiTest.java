package io.gatehouse.ratelimit;

import static io.gatehouse.testing.TestClient.bearer;
import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §6 end to end: buckets, headers, 429s, on a server whose clock the test moves. */
class RateLimitApiTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private static TestServer server;
    private static TestClient api;
    private static TestClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_API_KEY_RATE_LIMIT", "5"), CLOCK);
        api = server.api;
        admin = server.admin;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record App(String clientId, String secret, long owner, String key) {
    }

    private static App app(List<String> permissions) {
        Fixtures.Account dev = Fixtures.account(server);
        Resp r = admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Limited",
                "redirect_uris", List.of("https://a.example.com/cb"), "type", "confidential", "permissions", permissions));
        return new App(r.json().get("client_id").asText(), r.json().get("client_secret").asText(), dev.id(),
                Fixtures.apiKey(admin, dev.id()));
    }

    private static Resp tokenResponse(App a) {
        return api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + a.key,
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((a.clientId + ":" + a.secret).getBytes()));
    }

    private static String accessToken(App a) {
        return tokenResponse(a).json().get("access_token").asText();
    }

    @Test
    void a_development_app_gets_one_hundred_requests_a_window_then_429_until_reset() {
        App a = app(List.of("user.read"));
        String at = accessToken(a);
        long reset = 0;
        for (int i = 0; i < 100; i++) {
            Resp r = api.get("/v1.0/me", bearer(at));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-RateLimit-Limit")).isEqualTo("100");
            assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(99 - i));
            reset = Long.parseLong(r.header("X-RateLimit-Reset"));
        }
        long now = CLOCK.instant().getEpochSecond();
        assertThat(reset).isBetween(now + 1, now + 60);
        Resp limited = api.get("/v1.0/me", bearer(at));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body()).isEqualTo("{\"code\":200429,\"error\":\"TOO_MANY_REQUESTS\",\"message\":\"Too Many Requests\"}");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(limited.header("X-RateLimit-Reset")).isEqualTo(Long.toString(reset));
        assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"app\";q=100;w=60");
        assertThat(limited.header("RateLimit")).matches("\"app\";r=0;t=\\d+");

        CLOCK.advance(Duration.ofSeconds(reset - CLOCK.instant().getEpochSecond()));
        Resp again = api.get("/v1.0/me", bearer(at));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("X-RateLimit-Remaining")).isEqualTo("99");
    }

    @Test
    void errors_of_authorized_requests_carry_the_headers_and_count() {
        App a = app(List.of("leads.read"));
        String at = accessToken(a);
        Resp missing = api.get("/v1.0/leads/1", bearer(at));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("X-RateLimit-Remaining")).isEqualTo("99");
        assertThat(api.get("/v1.0/leads/2", bearer(at)).header("X-RateLimit-Remaining")).isEqualTo("98");
        // Unauthenticated requests are not counted and carry no headers.
        assertThat(api.get("/v1.0/me").header("X-RateLimit-Limit")).isNull();
    }

    @Test
    void a_request_the_token_may_never_make_is_403_costs_no_quota_and_is_never_429() {
        App a = app(List.of("user.read"));
        String at = accessToken(a);
        Resp forbidden = api.post("/v1.0/leads", Map.of("firstName", "x"), bearer(at));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("code").asInt()).isEqualTo(200100);
        assertThat(forbidden.json().get("message").asText()).isEqualTo("Sorry, the vendor does not have permission for this API.");
        // SPEC §6 v2: authorize before metering; the headers show the bucket as it stands.
        assertThat(forbidden.header("X-RateLimit-Limit")).isEqualTo("100");
        assertThat(forbidden.header("X-RateLimit-Remaining")).isEqualTo("100");
        assertThat(forbidden.header("Retry-After")).isNull();
        for (int i = 0; i < 100; i++) {
            assertThat(api.get("/v1.0/me", bearer(at)).status()).isEqualTo(200);
        }
        Resp stillForbidden = api.post("/v1.0/leads", Map.of("firstName", "x"), bearer(at));
        assertThat(stillForbidden.status()).isEqualTo(403);
        assertThat(stillForbidden.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(stillForbidden.header("Retry-After")).isNull();
        Resp limited = api.get("/v1.0/me", bearer(at));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotNull();
    }

    @Test
    void approval_raises_the_limit_to_500_and_an_admin_override_applies_at_once() {
        App a = app(List.of("user.read"));
        admin.post("/admin/v1/apps/" + a.clientId + "/approve", Map.of());
        Resp tok = tokenResponse(a);
        assertThat(tok.json().get("app_info").get("rate_limit_per_minute").asInt()).isEqualTo(500);
        String at = tok.json().get("access_token").asText();
        assertThat(api.get("/v1.0/me", bearer(at)).header("X-RateLimit-Limit")).isEqualTo("500");

        admin.patch("/admin/v1/apps/" + a.clientId, Map.of("rate_limit_per_minute", 7));
        Resp r = api.get("/v1.0/me", bearer(at));
        assertThat(r.header("X-RateLimit-Limit")).isEqualTo("7");
        assertThat(r.header("X-RateLimit-Remaining")).isEqualTo("5");
        for (int i = 0; i < 5; i++) {
            api.get("/v1.0/me", bearer(at));
        }
        assertThat(api.get("/v1.0/me", bearer(at)).status()).isEqualTo(429);
        assertThat(tokenResponse(a).json().get("app_info").get("rate_limit_per_minute").asInt()).isEqualTo(7);
    }

    @Test
    void fifty_concurrent_clients_sending_a_thousand_requests_get_exactly_the_limit() throws Exception {
        App a = app(List.of("user.read"));
        String at = accessToken(a);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < 50; c++) {
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    int s = api.get("/v1.0/me", bearer(at)).status();
                    (s == 200 ? ok : limited).incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(ok.get()).isEqualTo(100);
        assertThat(limited.get()).isEqualTo(900);
    }

    @Test
    void api_keys_count_against_their_accounts_key_bucket() {
        Fixtures.Account acct = Fixtures.account(server);
        String k1 = Fixtures.apiKey(admin, acct.id());
        String k2 = Fixtures.apiKey(admin, acct.id());
        for (int i = 0; i < 5; i++) {
            Resp r = api.get("/v1.0/me", token(i % 2 == 0 ? k1 : k2));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("RateLimit-Policy")).isEqualTo("\"key\";q=5;w=60");
        }
        Resp r = api.get("/v1.0/me", token(k2));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("X-RateLimit-Limit")).isEqualTo("5");
    }

    @Test
    void usage_shows_requests_and_429s_per_minute() {
        App a = app(List.of("user.read"));
        admin.patch("/admin/v1/apps/" + a.clientId, Map.of("rate_limit_per_minute", 3));
        String at = accessToken(a);
        for (int i = 0; i < 5; i++) {
            api.get("/v1.0/me", bearer(at));
        }
        Resp usage = admin.get("/admin/v1/apps/" + a.clientId + "/usage");
        var minutes = usage.json().get("minutes");
        assertThat(minutes).hasSize(60);
        var last = minutes.get(59);
        assertThat(last.get("requests").asLong()).isEqualTo(5);
        assertThat(last.get("rejected").asLong()).isEqualTo(2);
        assertThat(api.get("/v1.0/apps/" + a.clientId + "/usage", token(a.key)).json().get("minutes").get(59)
                .get("requests").asLong()).isEqualTo(5);
    }
}
