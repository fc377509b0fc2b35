package io.gatehouse.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Every kind of credential Gatehouse hands out, with the prefix a secret scanner recognises it by: the
 * one place prefixes are chosen (docs/decisions.md says why these; README lists the expressions).
 *
 * <p>A minted value is {@code prefix}, then {@link #RANDOM_CHARS} random base62 characters (256 bits), then
 * a base62 CRC32 of everything before it ({@link #CHECKSUM_CHARS} characters), so a scanner can tell a real
 * credential from a look-alike without asking us, and a mistyped one is refused without a database
 * look-up. Credentials handed out with a kind's earlier prefix ({@code ghs_}, {@code ghr_}, {@code ghc_},
 * {@code ghsess_}, {@code ghrst_}, {@code ghd_}; the first two are GitHub's own, which scanners report as
 * GitHub tokens) keep working; they have no checksum.
 */
public enum CredentialFormat {
    /** A confidential app's client secret. */
    CLIENT_SECRET("gths_", "ghs_", true),
    /** An OAuth refresh token. */
    REFRESH_TOKEN("gthr_", "ghr_", true),
    /** A portal session cookie. */
    SESSION("gthsess_", "ghsess_", true),
    /** The token in a password-reset link (SPEC §8, §9): single use, 30 minutes. */
    PASSWORD_RESET("gthrst_", "ghrst_", true),
    /** An OAuth device code (RFC 8628 §3.2), held by the polling device: 10 minutes. */
    DEVICE_CODE("gthd_", "ghd_", true),
    /** An app's client id: public, not a secret, but namespaced the same way (no checksum). */
    CLIENT_ID("gthc_", "ghc_", false),
    /**
     * An API key: a compact JWS whose protected header is always the same bytes (SPEC §4), so the key's
     * first 56 characters never change. Minted by {@code apikey.ApiKeyFormat}, not here.
     */
    API_KEY("eyJhbGciOiJIUzI1NiIsInR5cCI6ImdhdGVob3VzZS1hcGkta2V5In0.", null, false);

    public static final int RANDOM_CHARS = 43;
    public static final int CHECKSUM_CHARS = 6;
    private static final int CLIENT_ID_CHARS = 20;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final String legacyPrefix;
    private final boolean checksum;

    CredentialFormat(String prefix, String legacyPrefix, boolean checksum) {
        this.prefix = prefix;
        this.legacyPrefix = legacyPrefix;
        this.checksum = checksum;
    }

    public String prefix() {
        return prefix;
    }

    /** Every prefix this kind was ever handed out with, current first. */
    public List<String> prefixes() {
        return legacyPrefix == null ? List.of(prefix) : List.of(prefix, legacyPrefix);
    }

    /** The regular expression a secret scanner can use for values minted now (README lists them). */
    public String scannerPattern() {
        return switch (this) {
            case API_KEY -> Pattern.quote(prefix) + "[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{43}";
            case CLIENT_ID -> prefix + "[A-Za-z0-9]{" + CLIENT_ID_CHARS + "}";
            default -> prefix + "[A-Za-z0-9]{" + (RANDOM_CHARS + CHECKSUM_CHARS) + "}";
        };
    }

    /** A new value of this kind. */
    public String mint() {
        if (this == API_KEY) {
            throw new UnsupportedOperationException("API keys are signed by apikey.ApiKeyFormat");
        }
        if (!checksum) {
            return prefix + randomBase62(CLIENT_ID_CHARS);
        }
        String body = prefix + randomBase62(RANDOM_CHARS);
        return body + checksumOf(body);
    }

    /**
     * Whether {@code value} may be a credential of this kind: a current value with the right length and
     * checksum, or any value with an earlier prefix (checked against the database as before). Cheap, and
     * false for anything else, so a caller need not look it up.
     */
    public boolean accepts(String value) {
        if (value == null) {
            return false;
        }
        if (legacyPrefix != null && value.startsWith(legacyPrefix) && !value.startsWith(prefix)) {
            return true;
        }
        if (!value.startsWith(prefix)) {
            return false;
        }
        if (!checksum) {
            return true;
        }
        int expected = prefix.length() + RANDOM_CHARS + CHECKSUM_CHARS;
        if (value.length() != expected) {
            return false;
        }
        String body = value.substring(0, expected - CHECKSUM_CHARS);
        return checksumOf(body).equals(value.substring(expected - CHECKSUM_CHARS)) && isBase62(value, prefix.length());
    }

    /** Whether a secret kind's prefix, current or earlier, appears anywhere in {@code value} ({@code key=gh_…} too): such text is masked in logs. */
    public static boolean containsSecret(String value) {
        for (CredentialFormat f : values()) {
            if (f == CLIENT_ID) {
                continue;
            }
            for (String p : f.prefixes()) {
                if (value.contains(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String checksumOf(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long v = crc.getValue();
        char[] out = new char[CHECKSUM_CHARS];
        for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
            out[i] = BASE62.charAt((int) (v % 62));
            v /= 62;
        }
        return new String(out);
    }

    private static String randomBase62(int chars) {
        StringBuilder sb = new StringBuilder(chars);
        byte[] b = new byte[chars * 2];
        while (sb.length() < chars) {
            RANDOM.nextBytes(b);
            for (int i = 0; i < b.length && sb.length() < chars; i++) {
                int v = b[i] & 0xff;
                if (v < 248) { // 248 = 4 × 62: no bias
                    sb.append(BASE62.charAt(v % 62));
                }
            }
        }
        return sb.toString();
    }

    private static boolean isBase62(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (BASE62.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
