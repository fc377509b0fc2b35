package io.gatehouse.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each setting means, in one line, for {@code gatehouse serve --help}; names and defaults come from
 * {@link Settings} itself. A test checks that every name in {@link Settings#NAMES} has a line here.
 */
public final class SettingsHelp {
    static final Map<String, String> MEANINGS = Map.ofEntries(
            Map.entry("GATEHOUSE_BIND", "public listener address"),
            Map.entry("GATEHOUSE_PORT", "public listener port (OAuth, API, portal); 0 picks a free one"),
            Map.entry("GATEHOUSE_ADMIN_BIND", "admin listener address"),
            Map.entry("GATEHOUSE_ADMIN_PORT", "admin listener port (admin API, health, metrics); 0 picks a free one"),
            Map.entry("GATEHOUSE_ADMIN_TOKEN", "when set (16+ characters), the admin API requires Authorization: Bearer <it>"),
            Map.entry("GATEHOUSE_ISSUER", "external base URL, the iss of every token"),
            Map.entry("GATEHOUSE_DATA_DIR", "embedded database and generated keys"),
            Map.entry("GATEHOUSE_DB_URL", "a PostgreSQL JDBC URL switches from the embedded database to PostgreSQL"),
            Map.entry("GATEHOUSE_DB_USER", "PostgreSQL user"),
            Map.entry("GATEHOUSE_DB_PASSWORD", "PostgreSQL password"),
            Map.entry("GATEHOUSE_REDIS_URL", "redis://host:port switches rate limits and revocation fan-out to Redis (many nodes)"),
            Map.entry("GATEHOUSE_ROUTES", "file of proxied routes"),
            Map.entry("GATEHOUSE_ACCESS_TOKEN_TTL", "access token lifetime: seconds, or 90s, 15m, 1h, 30d"),
            Map.entry("GATEHOUSE_REFRESH_TOKEN_TTL", "refresh token lifetime"),
            Map.entry("GATEHOUSE_GRANT_MAX_AGE", "absolute lifetime of a grant: past it, its refresh tokens stop working"
                    + " and the user must authorize again"),
            Map.entry("GATEHOUSE_API_KEY_RATE_LIMIT", "requests per minute for API-key traffic, per account"),
            Map.entry("GATEHOUSE_MAX_BODY_BYTES", "larger request bodies are refused with 413"),
            Map.entry("GATEHOUSE_SHUTDOWN_GRACE", "on SIGTERM/SIGINT, how long requests in progress may take to finish"),
            Map.entry("GATEHOUSE_MASTER_KEY", "encrypts signing keys at rest; every node of a cluster needs the same one"),
            Map.entry("GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE", "local, deny or allow while Redis is unreachable"),
            Map.entry("GATEHOUSE_REDIS_PREFIX", "prefix of every Redis key (several clusters on one Redis)"),
            Map.entry("GATEHOUSE_TRUSTED_PROXIES", "comma-separated addresses or CIDRs of proxies whose X-Forwarded-For / "
                    + "Forwarded is believed; the client address is the right-most one not in this list (none: the TCP peer)"),
            Map.entry("GATEHOUSE_ADMIN_HOSTS", "comma-separated Host values the admin listener accepts, against DNS "
                    + "rebinding (default: GATEHOUSE_ADMIN_BIND, localhost, 127.0.0.1); others get 403"),
            Map.entry("GATEHOUSE_SMTP_URL", "smtp://user:pass@host:587?starttls=true (or smtps://host:465) sends password-reset"
                    + " mail; without it, resets work through admin-issued links only"),
            Map.entry("GATEHOUSE_MAIL_FROM", "the From address of mail Gatehouse sends"),
            Map.entry("GATEHOUSE_RETENTION", "how long finished things are kept (expired codes, used and expired refresh"
                    + " tokens, revoked grants and tokens, expired sessions and device codes, the revocation log)"),
            Map.entry("GATEHOUSE_USAGE_RETENTION", "how long per-minute usage counts are kept"),
            Map.entry("GATEHOUSE_AUDIT_RETENTION", "how long audit events are kept"),
            Map.entry("GATEHOUSE_TOKEN_SIGNING_ALG", "RS256, ES256 or EdDSA: signs access tokens and id_tokens (RFC 9068 names RS256;"
                    + " ES256 signs cheaper, but every resource server must accept the one chosen)"),
            Map.entry("GATEHOUSE_TOKEN_SIGNER", "auto, openssl or jdk: who makes RS256 and ES256 signatures; auto uses the system's"
                    + " OpenSSL libcrypto (several times faster) where there is one, else the JDK; openssl refuses to start without it"));

    /** What happens when a setting with no value in the code is not set. */
    static final Map<String, String> UNSET = Map.of(
            "GATEHOUSE_ISSUER", "http://localhost:<port>",
            "GATEHOUSE_DB_URL", "embedded (H2 in the data dir)",
            "GATEHOUSE_MASTER_KEY", "master.key in the data dir",
            "GATEHOUSE_ADMIN_HOSTS", "bind,localhost,127.0.0.1");

    private SettingsHelp() {
    }

    /** Per setting: its name and default ("none" when it has none), then what it means, indented; fits 80 columns. */
    public static List<String> lines() {
        Map<String, String> defaults = Settings.defaultValues();
        int nameWidth = Settings.NAMES.stream().mapToInt(String::length).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (String name : Settings.NAMES) {
            String value = defaults.get(name);
            lines.add(String.format("  %-" + nameWidth + "s  default: %s", name, value != null ? value : UNSET.getOrDefault(name, "none")));
            StringBuilder line = new StringBuilder("      ");
            for (String word : MEANINGS.getOrDefault(name, "").split(" ")) {
                if (line.length() + word.length() > 78) {
                    lines.add(line.toString().stripTrailing());
                    line = new StringBuilder("      ");
                }
                line.append(word).append(' ');
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
