package io.gatehouse.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random credentials and their hashes. Every secret Gatehouse hands out is 256 random bits with a
 * recognisable prefix (for secret scanners); being random, it needs a fast hash (SHA-256), not a
 * password hash, and is compared in constant time.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** {@code prefix} followed by 256 random bits, base64url. */
    public static String random(String prefix) {
        return prefix + randomText(32);
    }

    public static String randomText(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    public static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code value} hashes to {@code expectedHash}, compared in constant time. */
    public static boolean matches(String value, String expectedHash) {
        if (value == null || expectedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(value).getBytes(StandardCharsets.US_ASCII),
                expectedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
