package io.gatehouse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.DomainException;
import io.gatehouse.oauth.OAuthException;
import io.gatehouse.testing.LogCapture;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11: an OAuth endpoint's 5xx is logged at ERROR with its request id and the failure behind it,
 * as the API's are; an overload 503 goes to {@link OverloadLog}. Over real HTTP through the pipeline, with
 * a stage that answers as the token endpoint does for a domain error (OAuthException.of): no grant
 * handler raises DomainException.unavailable over HTTP today (a database that is away arrives as a
 * StoreException, and the rate limit and client throttle run before the handler's try).
 */
class OAuthFailureLogTest {
    private WebServer web;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        LogCapture.install();
        Stage oauth = ex -> {
            if (ex.path().endsWith("/busy")) {
                throw OAuthException.of(DomainException.overloaded("Too many sign-ins at once; try again in a moment.", 1));
            }
            if (ex.path().endsWith("/away")) {
                throw OAuthException.of(DomainException.unavailable("Rate limiting is unavailable; try again shortly.", 1));
            }
            throw OAuthException.of(DomainException.invalid("grant is not valid (test)."));
        };
        Pipeline pipeline = new Pipeline(List.of(oauth), 1 << 16, new RequestLog("public", new SimpleMeterRegistry()), new Inflight());
        web = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false).routing(r -> r.any(pipeline)).build().start();
    }

    @AfterEach
    void stop() {
        web.stop();
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void an_oauth_503_is_logged_at_error_with_the_request_id_and_its_cause() throws Exception {
        long before = LogCapture.errorCount();
        HttpResponse<String> r = post("/oauth/token/away");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.body()).contains("temporarily_unavailable");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(LogCapture.errorCount()).isGreaterThan(before);
        assertThat(LogCapture.errors()).containsPattern("request " + requestId + " POST \\S+ answered 503: Rate limiting is unavailable")
                .contains("io.gatehouse.core.DomainException: Rate limiting is unavailable");
    }

    @Test
    void an_oauth_overload_503_goes_to_the_overload_log_not_error() throws Exception {
        long before = LogCapture.errorCount();
        HttpResponse<String> r = post("/oauth/token/busy");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
        // OverloadLog writes one WARN per 10 s for the whole JVM (OverloadLogTest covers its lines), so
        // another test's overload may have taken this period's line: only the absence of an ERROR is certain.
        assertThat(LogCapture.errorCount()).isEqualTo(before);
        assertThat(LogCapture.errors()).doesNotContain(requestId);
    }

    @Test
    void an_oauth_4xx_is_not_logged_as_an_error() throws Exception {
        long before = LogCapture.errorCount();
        HttpResponse<String> r = post("/oauth/token/bad");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_request");
        assertThat(LogCapture.errorCount()).isEqualTo(before);
    }
}
