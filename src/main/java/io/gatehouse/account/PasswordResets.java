package io.gatehouse.account;

import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.core.DomainException;
import io.gatehouse.mail.Mailer;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Password-reset links (SPEC §8, §9): single use, valid for 30 minutes, kept only as the SHA-256 of the
 * token in the link. Using one sets the password and ends every session of the account and every other
 * link, in one transaction. By mail when SMTP is configured, or issued by an admin.
 */
public final class PasswordResets {
    public static final Duration LIFETIME = Duration.ofMinutes(30);

    private final Jdbc jdbc;
    private final Accounts accounts;
    private final Mailer mailer;
    private final Clock clock;

    public PasswordResets(Jdbc jdbc, Accounts accounts, Mailer mailer, Clock clock) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.mailer = mailer;
        this.clock = clock;
    }

    /** A link's token (goes only into the link) and its expiry. */
    public record Link(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Link[expires " + expiresAt + "]";
        }
    }

    public boolean byMail() {
        return mailer.enabled();
    }

    /** A new single-use link for this account. */
    public Link issue(long accountId) {
        Instant now = clock.instant();
        jdbc.update("DELETE FROM password_resets WHERE expires_at <= ?", now.minus(Duration.ofDays(1)));
        String token = CredentialFormat.PASSWORD_RESET.mint();
        Instant expires = now.plus(LIFETIME);
        jdbc.update("INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                Secrets.sha256(token), accountId, now, expires);
        return new Link(token, expires);
    }

    /**
     * "Forgot password": mails a link to the account with this email, if there is one that may log in.
     * Returns the same way, at the same speed, whether or not there is (the mail goes out in the
     * background), so the caller can say nothing about it.
     */
    public void mailLink(String email, Function<String, String> linkUrl) {
        if (!mailer.enabled() || email == null || email.length() > 254) {
            return;
        }
        Optional<Account> account = accounts.byEmail(email.strip());
        if (account.isEmpty() || account.get().disabled()) {
            return;
        }
        Link link = issue(account.get().id());
        mailer.send(account.get().email(), "Reset your Gatehouse password",
                "Someone (hopefully you) asked to reset the password of your Gatehouse account.\n\n"
                        + "Open this link within " + LIFETIME.toMinutes() + " minutes to choose a new password:\n\n"
                        + linkUrl.apply(link.token()) + "\n\n"
                        + "The link works once. If you did not ask for it, ignore this mail: your password stays as it is.\n");
    }

    /** Whether a token is a live link (unused, unexpired); its account. */
    public Optional<Long> accountOf(String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        return jdbc.one("SELECT account_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                rs -> rs.getLong(1), Secrets.sha256(token), clock.instant());
    }

    /**
     * Uses a link: sets the new password, ends every session of the account and every other link, in
     * one transaction. A used, expired or unknown link changes nothing.
     */
    public void reset(String token, String newPassword) {
        // The link first: a post without a live link costs one indexed read, not an argon2id hash (audit "attack2").
        // The transaction below checks it again, so a link used meanwhile still changes nothing.
        if (accountOf(token).isEmpty()) {
            throw DomainException.invalid(INVALID);
        }
        String hash = accounts.hashForReset(newPassword);
        Instant now = clock.instant();
        Long accountId = jdbc.inTransaction(c -> {
            var ids = Jdbc.list(c, "SELECT account_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                    rs -> rs.getLong(1), Secrets.sha256(token), now);
            if (ids.isEmpty()) {
                return null;
            }
            long id = ids.get(0);
            // The account's row before the link's: the order a password change, disabling or deletion takes them (the
            // account, then its unused links), so a reset racing one of those waits instead of deadlocking.
            if (Jdbc.list(c, "SELECT id FROM accounts WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), id).isEmpty()
                    || Jdbc.update(c, "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                            now, Secrets.sha256(token)) != 1) {
                return null;
            }
            if (Jdbc.update(c, "UPDATE accounts SET password_hash = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL AND disabled_at IS NULL",
                    hash, id) != 1) {
                throw DomainException.invalid(INVALID);
            }
            Jdbc.update(c, "DELETE FROM sessions WHERE account_id = ?", id);
            Jdbc.update(c, "DELETE FROM password_resets WHERE account_id = ? AND used_at IS NULL", id);
            accounts.recordReset(id);
            return id;
        });
        if (accountId == null) {
            throw DomainException.invalid(INVALID);
        }
        accounts.evict(accountId);
    }

    private static final String INVALID = "This reset link is not valid any more: it was used, it expired, or it is wrong. "
            + "Ask for a new one.";

    /** A current token with its checksum, or one minted before the prefix changed (docs/decisions.md). */
    private static boolean wellFormed(String token) {
        return token != null && token.length() <= 100 && CredentialFormat.PASSWORD_RESET.accepts(token);
    }
}
