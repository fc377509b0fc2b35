package io.gatehouse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Principal;
import io.gatehouse.pipeline.BatchingConsoleAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access-log line of a request, through the logback.xml set-up (the ring appender with the standard
 * pattern) and through plain Logback (any other set-up): the same line, with token-like path segments masked.
 */
class RequestLogTest {
    private static final String DATE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BatchingConsoleAppender appender = new BatchingConsoleAppender();
    private final Principal principal = Principal.of(42, Principal.Kind.ACCESS_TOKEN, "t1", "gthc_app", null, null);

    {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as Logback's own start-up does
    }

    private RequestLog requestLog(boolean ring) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(BatchingConsoleAppender.PATTERN);
        encoder.start();
        Logger access = context.getLogger("gatehouse.access");
        access.setLevel(Level.INFO);
        access.setAdditive(false);
        if (ring) {
            appender.setContext(context);
            appender.setEncoder(encoder);
            appender.setTarget(out);
            appender.start();
            access.addAppender(appender);
        } else {
            var console = new ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
            console.setContext(context);
            console.setEncoder(encoder);
            console.setOutputStream(out);
            console.start();
            access.addAppender(console);
        }
        return new RequestLog("public", new SimpleMeterRegistry(), access);
    }

    @AfterEach
    void stop() {
        appender.stop();
        context.stop();
    }

    private List<String> lines() {
        appender.flush(Duration.ofSeconds(30));
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    private void lineContentIsTheSame(boolean ring) {
        RequestLog log = requestLog(ring);
        log.line("GET", "/v1.0/me", 200, 1_234_567, "rid1", "127.0.0.1", principal);
        log.line("GET", "/healthz", 200, 50_000, "rid2", "10.1.2.3", null);
        assertThat(lines()).hasSize(2).satisfiesExactly(
                l -> assertThat(l).matches(DATE + " INFO  gatehouse\\.access - public GET /v1\\.0/me 200 1\\.23ms "
                        + "rid=rid1 peer=127\\.0\\.0\\.1 account=42 client=gthc_app"),
                l -> assertThat(l).matches(DATE + " INFO  gatehouse\\.access - public GET /healthz 200 0\\.05ms "
                        + "rid=rid2 peer=10\\.1\\.2\\.3"));
    }

    @Test
    void the_line_through_logback() {
        lineContentIsTheSame(false);
    }

    @Test
    void the_line_through_the_ring() {
        lineContentIsTheSame(true);
    }

    @Test
    void a_token_or_key_in_the_path_is_masked_in_the_line() {
        RequestLog log = requestLog(true);
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
        String refresh = "gthr_0123456789abcdefghijABCDEFGHIJ";
        log.line("GET", "/v1.0/tokens/" + jwt + "/x", 404, 10_000, "rid1", "127.0.0.1", null);
        log.line("DELETE", "/v1.0/" + refresh, 404, 10_000, "rid2", "127.0.0.1", null);
        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains(" public GET /v1.0/tokens/***/x 404 ").doesNotContain("eyJ");
        assertThat(lines.get(1)).contains(" public DELETE /v1.0/*** 404 ").doesNotContain("gthr_");
    }

    @Test
    void a_secret_inside_a_segment_is_masked_too() {
        String key = CredentialFormat.API_KEY.prefix() + "a".repeat(40) + "." + "b".repeat(43);
        String refresh = CredentialFormat.REFRESH_TOKEN.mint();
        String secret = CredentialFormat.CLIENT_SECRET.mint();
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
        assertThat(RequestLog.safePath("/v1.0/raw/key=" + secret + "/x")).isEqualTo("/v1.0/raw/***/x");
        assertThat(RequestLog.safePath("/v1.0/raw/x;" + key)).isEqualTo("/v1.0/raw/***");
        assertThat(RequestLog.safePath("/v1.0/raw/%20" + key)).isEqualTo("/v1.0/raw/***");
        assertThat(RequestLog.safePath("/v1.0/raw/t=" + jwt)).isEqualTo("/v1.0/raw/***");
        assertThat(RequestLog.safePath("/v1.0/raw/a.b" + refresh + "/c")).isEqualTo("/v1.0/raw/***/c");
        assertThat(RequestLog.safePath("/v1.0/raw/snake_case_names_are_kept")).isEqualTo("/v1.0/raw/snake_case_names_are_kept");
    }

    @Test
    void every_secret_prefix_makes_the_path_check_look_closer() {
        // safePath skips paths with neither "eyJ" nor '_': every prefix of a secret must have one of them.
        for (CredentialFormat f : CredentialFormat.values()) {
            for (String prefix : f.prefixes()) {
                if (CredentialFormat.containsSecret(prefix + "x")) {
                    assertThat(prefix.contains("eyJ") || prefix.contains("_")).as(prefix).isTrue();
                }
            }
        }
    }

    @Test
    void a_secret_that_the_length_cut_would_shorten_is_still_masked() {
        String refresh = "gthr_0123456789abcdefghijABCDEFGHIJ";
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
        for (int start = 150; start <= 195; start++) { // the secret crosses the 200th character
            String head = "/v1.0/" + "a".repeat(start - 7) + "/";
            assertThat(head).hasSize(start);
            assertThat(RequestLog.safePath(head + refresh)).isEqualTo(head + "***").doesNotContain("gthr_");
            assertThat(RequestLog.safePath(head + jwt + "/x")).isEqualTo(head + "***/x").doesNotContain("eyJ");
        }
        String longPath = "/v1.0/" + "b".repeat(300);
        assertThat(RequestLog.safePath(longPath)).hasSize(203).endsWith("...");
    }
}
