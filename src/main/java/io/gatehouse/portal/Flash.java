package io.gatehouse.portal;

import io.gatehouse.auth.Secrets;
import io.gatehouse.store.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A value shown once on the page after a form (POST-redirect-GET, SPEC §8): a new client secret or API
 * key survives the redirect here, never in the URL. It is kept in the database (so the GET may reach
 * another node), for a few minutes, read at most once, and encrypted with a key derived from the
 * session cookie, which only the browser holds (the database has only the cookie's SHA-256).
 */
final class Flash {
    static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;
    private final Clock clock;

    Flash(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void put(String sessionCookie, String name, String value) {
        Instant now = clock.instant();
        jdbc.update("DELETE FROM portal_flash WHERE expires_at <= ?", now);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, sessionCookie, name, nonce, value.getBytes(StandardCharsets.UTF_8));
        byte[] stored = new byte[nonce.length + sealed.length];
        System.arraycopy(nonce, 0, stored, 0, nonce.length);
        System.arraycopy(sealed, 0, stored, nonce.length, sealed.length);
        jdbc.update("INSERT INTO portal_flash (id, session_hash, name, sealed, expires_at) VALUES (?, ?, ?, ?, ?)",
                Secrets.randomText(18), Secrets.sha256(sessionCookie), name, Base64.getEncoder().encodeToString(stored),
                now.plus(LIFETIME));
    }

    /** The value, once: the row is deleted as it is read, so a reload or a second tab shows nothing. */
    Optional<String> take(String sessionCookie, String name) {
        if (sessionCookie == null) {
            return Optional.empty();
        }
        var rows = jdbc.list("SELECT id, sealed FROM portal_flash WHERE session_hash = ? AND name = ? AND expires_at > ?",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, Secrets.sha256(sessionCookie), name, clock.instant());
        for (String[] row : rows) {
            if (jdbc.update("DELETE FROM portal_flash WHERE id = ?", row[0]) == 1) {
                byte[] stored = Base64.getDecoder().decode(row[1]);
                byte[] nonce = java.util.Arrays.copyOf(stored, 12);
                byte[] sealed = java.util.Arrays.copyOfRange(stored, 12, stored.length);
                return Optional.of(new String(crypt(Cipher.DECRYPT_MODE, sessionCookie, name, nonce, sealed), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** AES-256-GCM with a key derived from the cookie; the name is authenticated too, so a value cannot move to another page. */
    private static byte[] crypt(int mode, String sessionCookie, String name, byte[] nonce, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sessionCookie.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] key = mac.doFinal("gatehouse portal flash".getBytes(StandardCharsets.UTF_8));
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            aes.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return aes.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("flash encryption failed", e);
        }
    }
}
