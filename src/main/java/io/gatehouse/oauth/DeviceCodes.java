package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.Jdbc;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Device codes (RFC 8628 §3.2, §6.1): a secret device code for the polling client, a short user code
 * for the person, both living {@link #LIFETIME}. A user code is 8 letters from an alphabet without
 * vowels or look-alikes (20^8 ≈ 2.6·10^10), shown as {@code BCDF-GHJK}; guessing is throttled where it
 * is typed.
 */
public final class DeviceCodes {
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    public static final int INTERVAL_SECONDS = 5;
    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum Status { PENDING, APPROVED, DENIED, USED }

    /** A code as stored; {@code userCode} is the bare 8 letters. */
    public record DeviceCode(String deviceCodeHash, String userCode, String clientId, List<String> scope, Status status,
                             int intervalSeconds, Instant expiresAt, Instant lastPolledAt, Long accountId, Instant authTime) {
    }

    /** What the device authorization endpoint hands out (the device code only here). */
    public record Issued(String deviceCode, String userCode, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[" + userCode + "]";
        }
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public DeviceCodes(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Issued start(App app, List<String> scope) {
        Instant now = clock.instant();
        String device = CredentialFormat.DEVICE_CODE.mint();
        for (int attempt = 0; ; attempt++) {
            String user = userCode();
            try {
                jdbc.update("INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, status, interval_seconds,"
                                + " created_at, expires_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
                        Secrets.sha256(device), user, app.clientId(), String.join(" ", scope), INTERVAL_SECONDS, now,
                        now.plus(LIFETIME));
                return new Issued(device, user, now.plus(LIFETIME));
            } catch (DuplicateException e) {
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** The bare 8 letters of what a person typed (any case, dashes and spaces ignored), or null if it cannot be a user code. */
    public static String normalize(String typed) {
        if (typed == null || typed.length() > 32) {
            return null;
        }
        String s = typed.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "");
        if (s.length() != 8 || !s.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return null;
        }
        return s;
    }

    /** {@code BCDF-GHJK}. */
    public static String display(String userCode) {
        return userCode.substring(0, 4) + "-" + userCode.substring(4);
    }

    /** A pending, unexpired code by its user code. */
    public Optional<DeviceCode> pending(String userCode) {
        return byUserCode(userCode).filter(c -> c.status() == Status.PENDING && clock.instant().isBefore(c.expiresAt()));
    }

    /** Records the person's decision on a pending code; false if it is no longer pending (or expired). */
    public boolean decide(String userCode, long accountId, Instant authTime, boolean approve) {
        return jdbc.update("UPDATE device_codes SET status = ?, account_id = ?, auth_time = ? WHERE user_code = ?"
                        + " AND status = 'pending' AND expires_at > ?",
                approve ? "approved" : "denied", accountId, authTime, userCode, clock.instant()) == 1;
    }

    /** The code a device polls with; a mistyped one (wrong checksum) is not looked up. */
    public Optional<DeviceCode> byDeviceCode(String deviceCode) {
        if (!CredentialFormat.DEVICE_CODE.accepts(deviceCode)) {
            return Optional.empty();
        }
        return one("device_code_hash", Secrets.sha256(deviceCode));
    }

    /**
     * Notes a poll; returns the new interval if the client polled too fast (it grows by 5 s, RFC 8628 §3.5), else 0.
     * Too fast means sooner than the current interval after the last poll. The poll time is stored cut to the
     * millisecond: a database keeping microseconds would round it up, and a poll exactly one interval later
     * would then count as too fast.
     */
    public int poll(DeviceCode c) {
        // Read under the row's lock, so polls sent at once are each measured against the one before (audit "attack2").
        return jdbc.inTransaction(conn -> {
            List<Object[]> rows = Jdbc.list(conn, "SELECT last_polled_at, interval_seconds FROM device_codes WHERE device_code_hash = ?"
                    + " FOR UPDATE", rs -> new Object[] {Jdbc.instant(rs, "last_polled_at"), rs.getInt("interval_seconds")},
                    c.deviceCodeHash());
            if (rows.isEmpty()) {
                return 0;
            }
            Instant last = (Instant) rows.get(0)[0];
            int current = (Integer) rows.get(0)[1];
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            boolean tooFast = last != null && now.isBefore(last.plusSeconds(current));
            int interval = tooFast ? current + 5 : current;
            Jdbc.update(conn, "UPDATE device_codes SET last_polled_at = ?, interval_seconds = ? WHERE device_code_hash = ?",
                    now, interval, c.deviceCodeHash());
            return tooFast ? interval : 0;
        });
    }

    /**
     * Marks an approved code used, once, and runs {@code createGrant} in the same transaction: true for the one caller
     * that may issue its tokens. False too when the approving account was disabled or deleted since: its row is locked
     * first, so disabling either went before (no grant) or waits and then ends the new grant with the others.
     */
    public boolean use(DeviceCode c, long grantId, Runnable createGrant) {
        return jdbc.inTransaction(conn -> {
            if (c.accountId() == null || !JdbcGrantStore.lockLiveAccount(conn, c.accountId())) {
                return false;
            }
            if (Jdbc.update(conn, "UPDATE device_codes SET status = 'used', grant_id = ? WHERE device_code_hash = ?"
                    + " AND status = 'approved'", grantId, c.deviceCodeHash()) != 1) {
                return false;
            }
            createGrant.run();
            return true;
        });
    }

    private Optional<DeviceCode> byUserCode(String userCode) {
        return one("user_code", userCode);
    }

    private Optional<DeviceCode> one(String column, String value) {
        return jdbc.one("SELECT device_code_hash, user_code, client_id, scope, status, interval_seconds, expires_at, last_polled_at,"
                        + " account_id, auth_time FROM device_codes WHERE " + column + " = ?",
                rs -> new DeviceCode(rs.getString("device_code_hash"), rs.getString("user_code"), rs.getString("client_id"),
                        rs.getString("scope").isEmpty() ? List.of() : Arrays.asList(rs.getString("scope").split(" ")),
                        Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)), rs.getInt("interval_seconds"),
                        Jdbc.instant(rs, "expires_at"), Jdbc.instant(rs, "last_polled_at"), Jdbc.nullableLong(rs, "account_id"),
                        Jdbc.instant(rs, "auth_time")), value);
    }

    private static String userCode() {
        char[] c = new char[8];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(c);
    }
}
