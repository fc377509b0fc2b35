package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import io.gatehouse.core.TrustedProxies;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of a Gatehouse server (SPEC §1), read once at start and validated here.
 * Sources, first match wins: the environment, then the optional config file ({@code --config FILE},
 * same names in lower case, {@code name=value} or {@code name: value} lines), then the default.
 * Nullable fields are settings that have no default.
 */
public record Settings(
        String bind,
        int port,
        String adminBind,
        int adminPort,
        String adminToken,
        String issuer,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        String redisUrl,
        Path routesFile,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        int apiKeyRateLimit,
        long maxBodyBytes,
        Duration shutdownGrace,
        String masterKey,
        String rateLimitOnRedisFailure,
        String redisPrefix,
        TrustedProxies trustedProxies,
        List<String> adminHosts,
        String smtpUrl,
        String mailFrom,
        Duration retention,
        Duration usageRetention,
        Duration auditRetention,
        Duration grantMaxAge,
        String tokenSigningAlg,
        String tokenSigner) {

    /** The names this version understands; anything else in a config file is a typo worth reporting. */
    public static final List<String> NAMES = List.of(
            "GATEHOUSE_BIND", "GATEHOUSE_PORT", "GATEHOUSE_ADMIN_BIND", "GATEHOUSE_ADMIN_PORT",
            "GATEHOUSE_ADMIN_TOKEN", "GATEHOUSE_ISSUER", "GATEHOUSE_DATA_DIR", "GATEHOUSE_DB_URL",
            "GATEHOUSE_DB_USER", "GATEHOUSE_DB_PASSWORD", "GATEHOUSE_REDIS_URL", "GATEHOUSE_ROUTES",
            "GATEHOUSE_ACCESS_TOKEN_TTL", "GATEHOUSE_REFRESH_TOKEN_TTL", "GATEHOUSE_API_KEY_RATE_LIMIT",
            "GATEHOUSE_MAX_BODY_BYTES", "GATEHOUSE_SHUTDOWN_GRACE", "GATEHOUSE_MASTER_KEY",
            "GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE", "GATEHOUSE_REDIS_PREFIX", "GATEHOUSE_TRUSTED_PROXIES",
            "GATEHOUSE_ADMIN_HOSTS", "GATEHOUSE_SMTP_URL", "GATEHOUSE_MAIL_FROM",
            "GATEHOUSE_RETENTION", "GATEHOUSE_USAGE_RETENTION", "GATEHOUSE_AUDIT_RETENTION", "GATEHOUSE_GRANT_MAX_AGE",
            "GATEHOUSE_TOKEN_SIGNING_ALG", "GATEHOUSE_TOKEN_SIGNER");

    /**
     * GATEHOUSE_ variables that other parts read (the launcher script, logging, the CLI), so not unknown to
     * {@link #unknownVariables}. {@code GATEHOUSE_TEST_*} belong to the project's own tests.
     */
    public static final Set<String> OTHER_NAMES = Set.of(
            "GATEHOUSE_JAVA_OPTS", "GATEHOUSE_AOT_CACHE", "GATEHOUSE_LOG_LEVEL", "GATEHOUSE_ACCESS_LOG",
            "GATEHOUSE_BASE_URL", "GATEHOUSE_ADMIN_URL", "GATEHOUSE_ACCESS_TOKEN", "GATEHOUSE_REFRESH_TOKEN",
            "GATEHOUSE_CLIENT_ID", "GATEHOUSE_CLIENT_SECRET", "GATEHOUSE_CUSTOMER_KEY", "GATEHOUSE_TOKEN_URL",
            "GATEHOUSE_SESSION_ID", "GATEHOUSE_MAX_RETRIES");

    private static final Set<String> SECRET_NAMES =
            Set.of("GATEHOUSE_ADMIN_TOKEN", "GATEHOUSE_DB_PASSWORD", "GATEHOUSE_MASTER_KEY", "GATEHOUSE_SMTP_URL");

    public Settings {
        if (adminToken != null && adminToken.length() < 16) {
            throw new SettingsException("GATEHOUSE_ADMIN_TOKEN must be at least 16 characters");
        }
        if (issuer != null) {
            issuer = stripTrailingSlash(issuer);
        }
    }

    /**
     * SPEC §1: one warning per variable that starts with {@code GATEHOUSE_} but that nothing reads (a typo,
     * most likely), naming the closest known setting. Values are never shown.
     */
    public static List<String> unknownVariables(Map<String, String> env) {
        List<String> warnings = new java.util.ArrayList<>();
        for (String name : new java.util.TreeSet<>(env.keySet())) {
            if (!name.startsWith("GATEHOUSE_") || NAMES.contains(name) || OTHER_NAMES.contains(name)
                    || name.startsWith("GATEHOUSE_TEST_")) {
                continue;
            }
            String closest = null;
            int best = Integer.MAX_VALUE;
            for (String known : NAMES) {
                int d = distance(name, known);
                if (d < best) {
                    best = d;
                    closest = known;
                }
            }
            warnings.add("Unknown setting " + name + " is ignored (did you mean " + closest + "?)");
        }
        return warnings;
    }

    /** Levenshtein distance: single-character insertions, deletions and substitutions. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Settings with every default: what {@code gatehouse serve} uses on a bare machine. */
    public static Settings defaults() {
        return load(Map.of(), null);
    }

    public static Settings load(Map<String, String> env, Path configFile) {
        Map<String, String> values = new HashMap<>();
        if (configFile != null) {
            values.putAll(readFile(configFile));
        }
        for (String name : NAMES) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                values.put(name, v.trim());
            }
        }
        return read(new Reader(values));
    }

    /**
     * Each setting's default as people write it ({@code 8080}, {@code 1h}), null for none, by name: taken
     * from the reads below, so {@code serve --help} shows the defaults the code applies.
     */
    public static Map<String, String> defaultValues() {
        Reader r = new Reader(Map.of());
        read(r);
        return Collections.unmodifiableMap(r.defaults());
    }

    private static Settings read(Reader r) {
        return new Settings(
                r.string("GATEHOUSE_BIND", "0.0.0.0"),
                r.port("GATEHOUSE_PORT", 8080),
                r.string("GATEHOUSE_ADMIN_BIND", "127.0.0.1"),
                r.port("GATEHOUSE_ADMIN_PORT", 8081),
                r.string("GATEHOUSE_ADMIN_TOKEN", null),
                r.url("GATEHOUSE_ISSUER", "http"),
                Path.of(r.string("GATEHOUSE_DATA_DIR", "./gatehouse-data")),
                r.dbUrl("GATEHOUSE_DB_URL"),
                r.string("GATEHOUSE_DB_USER", null),
                r.string("GATEHOUSE_DB_PASSWORD", null),
                r.url("GATEHOUSE_REDIS_URL", "redis"),
                r.path("GATEHOUSE_ROUTES"),
                r.duration("GATEHOUSE_ACCESS_TOKEN_TTL", Duration.ofHours(1)),
                r.duration("GATEHOUSE_REFRESH_TOKEN_TTL", Duration.ofDays(30)),
                (int) r.positive("GATEHOUSE_API_KEY_RATE_LIMIT", 100, 1_000_000_000),
                r.positive("GATEHOUSE_MAX_BODY_BYTES", 1 << 20, 1L << 31),
                r.duration("GATEHOUSE_SHUTDOWN_GRACE", Duration.ofSeconds(30)),
                r.string("GATEHOUSE_MASTER_KEY", null),
                r.oneOf("GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE", "local", Set.of("local", "deny", "allow")),
                r.string("GATEHOUSE_REDIS_PREFIX", "gatehouse:"),
                r.trustedProxies("GATEHOUSE_TRUSTED_PROXIES"),
                r.list("GATEHOUSE_ADMIN_HOSTS"),
                r.url("GATEHOUSE_SMTP_URL", "smtp"),
                r.string("GATEHOUSE_MAIL_FROM", "gatehouse@localhost"),
                r.duration("GATEHOUSE_RETENTION", Duration.ofDays(30)),
                r.duration("GATEHOUSE_USAGE_RETENTION", Duration.ofDays(90)),
                r.duration("GATEHOUSE_AUDIT_RETENTION", Duration.ofDays(365)),
                r.duration("GATEHOUSE_GRANT_MAX_AGE", Duration.ofDays(365)),
                r.signingAlg("GATEHOUSE_TOKEN_SIGNING_ALG", "RS256", List.of("RS256", "ES256", "EdDSA")),
                r.oneOf("GATEHOUSE_TOKEN_SIGNER", "auto", Set.of("auto", "openssl", "jdk")));
    }

    /** The issuer once the public port is known: {@code GATEHOUSE_ISSUER}, else {@code http://localhost:<port>}. */
    public String issuerFor(int boundPort) {
        return issuer != null ? issuer : "http://localhost:" + boundPort;
    }

    /** Cookies carry {@code Secure} when browsers reach us over https (the issuer says how). */
    public boolean secureCookies() {
        return issuer != null && issuer.startsWith("https://");
    }

    /**
     * The {@code Host} values the admin listener accepts (SPEC §11, against DNS rebinding): GATEHOUSE_ADMIN_HOSTS,
     * else the admin bind address, {@code localhost} and {@code 127.0.0.1}. Each may be sent with any port.
     */
    public List<String> acceptedAdminHosts() {
        if (adminHosts != null) {
            return adminHosts;
        }
        return java.util.stream.Stream.of(adminBind.toLowerCase(Locale.ROOT), "localhost", "127.0.0.1").distinct().toList();
    }

    public boolean usesPostgres() {
        return dbUrl != null;
    }

    /** For the start-up log: every setting, secrets replaced by "(set)". */
    public String describe() {
        return "port=" + port + " admin=" + adminBind + ":" + adminPort
                + " db=" + (dbUrl == null ? "embedded(" + dataDir.toAbsolutePath().normalize() + ")" : redactUrl(dbUrl))
                + " redis=" + (redisUrl == null ? "none" : redactUrl(redisUrl))
                + " adminToken=" + (adminToken == null ? "none" : "(set)")
                + " routes=" + (routesFile == null ? "none" : routesFile)
                + " smtp=" + (smtpUrl == null ? "none" : redactUrl(smtpUrl));
    }

    static boolean isSecret(String name) {
        return SECRET_NAMES.contains(name);
    }

    private static String redactUrl(String url) {
        // user:password@ and password= never reach a log line.
        return url.replaceAll("//[^/@]*@", "//***@").replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static Map<String, String> readFile(Path file) {
        if (file.toString().isEmpty()) {
            throw new SettingsException("--config needs a file name");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new SettingsException("config file " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new SettingsException("config file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            // the JDK's message is the bare path for some failures ("Is a directory" for others)
            throw new SettingsException(Files.isDirectory(file) ? "config file " + file + " is a directory"
                    : e instanceof AccessDeniedException ? "cannot read config file " + file + ": permission denied"
                    : "cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new HashMap<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            int colon = line.indexOf(':');
            int cut = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
            if (cut <= 0) {
                throw new SettingsException(file + " line " + n + ": expected 'name=value' or 'name: value'");
            }
            String key = line.substring(0, cut).strip().toUpperCase(Locale.ROOT);
            String value = unquote(line.substring(cut + 1).strip());
            if (!key.startsWith("GATEHOUSE_")) {
                key = "GATEHOUSE_" + key;
            }
            if (!NAMES.contains(key)) {
                throw new SettingsException(file + " line " + n + ": unknown setting '" + line.substring(0, cut).strip() + "'");
            }
            out.put(key, value);
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Typed reads with one clear message per bad value; secrets are never echoed. Each read notes its default. */
    private record Reader(Map<String, String> values, Map<String, String> defaults) {
        Reader(Map<String, String> values) {
            this(values, new LinkedHashMap<>());
        }

        private void fallback(String name, Object value) {
            defaults.put(name, value == null ? null : value instanceof Duration d ? Durations.format(d) : value.toString());
        }

        String string(String name, String fallback) {
            fallback(name, fallback);
            String v = values.get(name);
            return v == null || v.isEmpty() ? fallback : v;
        }

        int port(String name, int fallback) {
            return (int) number(name, fallback, 0, 65535);
        }

        long positive(String name, long fallback, long max) {
            return number(name, fallback, 1, max);
        }

        long number(String name, long fallback, long min, long max) {
            fallback(name, fallback);
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            try {
                long n = Long.parseLong(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(name, v, "a whole number from " + min + " to " + max);
        }

        Duration duration(String name, Duration fallback) {
            fallback(name, fallback);
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            try {
                Duration d = Durations.parse(v);
                if (!d.isNegative() && !d.isZero()) {
                    return d;
                }
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
            throw bad(name, v, "a duration such as 3600, 90s, 15m, 1h or 30d");
        }

        String url(String name, String scheme) {
            fallback(name, null);
            String v = values.get(name);
            if (v == null) {
                return null;
            }
            if (!v.startsWith(scheme + "://") && !v.startsWith(scheme + "s://")) {
                throw bad(name, v, "a " + scheme + ":// URL");
            }
            return v;
        }

        String dbUrl(String name) {
            fallback(name, null);
            String v = values.get(name);
            if (v == null) {
                return null;
            }
            if (!v.startsWith("jdbc:postgresql:")) {
                throw bad(name, v, "a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/gatehouse");
            }
            return v;
        }

        Path path(String name) {
            fallback(name, null);
            String v = values.get(name);
            return v == null ? null : Path.of(v);
        }

        TrustedProxies trustedProxies(String name) {
            fallback(name, null);
            String v = values.get(name);
            try {
                return TrustedProxies.parse(v);
            } catch (IllegalArgumentException e) {
                throw new SettingsException(name + " must be a comma-separated list of IP addresses or CIDRs: "
                        + e.getMessage());
            }
        }

        /** A comma-separated list, lower-cased; null when not set (the code then applies its own default). */
        List<String> list(String name) {
            fallback(name, null);
            String v = values.get(name);
            if (v == null) {
                return null;
            }
            List<String> out = java.util.Arrays.stream(v.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT))
                    .filter(s -> !s.isEmpty()).toList();
            if (out.isEmpty()) {
                throw bad(name, v, "a comma-separated list of host names");
            }
            return out;
        }

        /** One of the JOSE algorithm names, in any case; returned as written in the list. */
        String signingAlg(String name, String fallback, List<String> allowed) {
            fallback(name, fallback);
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v)) {
                    return a;
                }
            }
            throw bad(name, v, "one of " + String.join(", ", allowed));
        }

        String oneOf(String name, String fallback, Set<String> allowed) {
            fallback(name, fallback);
            String v = values.get(name);
            if (v == null) {
                return fallback;
            }
            String lower = v.toLowerCase(Locale.ROOT);
            if (!allowed.contains(lower)) {
                throw bad(name, v, "one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
            return lower;
        }

        private static SettingsException bad(String name, String value, String expected) {
            String shown = isSecret(name) ? "(hidden)" : "'" + value + "'";
            return new SettingsException(name + " must be " + expected + ", got " + shown);
        }
    }
}
