package io.gatehouse.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The keys a throttle stores. Subjects and addresses come from callers (a client id can be 256 KiB), so a
 * key longer than {@link #MAX} characters is stored as its SHA-256 instead: bounded, still one key per value.
 */
final class ThrottleKeys {
    static final int MAX = 96;

    private ThrottleKeys() {
    }

    /** The per-address key, and the per-(subject, address) key (null when there is no subject). */
    static String address(String address) {
        return bounded("a|" + address);
    }

    static String pair(String subject, String address) {
        return subject == null ? null : bounded("s|" + address + "|" + subject);
    }

    static String bounded(String key) {
        if (key.length() <= MAX) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "h|" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
