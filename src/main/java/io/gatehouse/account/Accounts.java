package io.gatehouse.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.core.DomainException;
import io.gatehouse.core.RefreshAhead;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Creating and finding accounts: validation, password hashing, unique emails. */
public final class Accounts {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 1024;

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final IdGenerator ids;
    private final Clock clock;

    private final Audit audit;

    public Accounts(AccountStore store, PasswordHasher hasher, IdGenerator ids, Clock clock, Audit audit) {
        this.audit = audit;
        this.store = store;
        this.hasher = hasher;
        this.ids = ids;
        this.clock = clock;
    }

    public Account create(NewAccount n) {
        String email = checkEmail("email", n.email());
        checkPassword("password", n.password());
        Account account = new Account(ids.next(), email, strip(n.firstName()), strip(n.lastName()),
                n.role() == null ? Role.USER : n.role(), clock.instant());
        if (store.byEmail(email).isPresent()) {
            throw DomainException.conflict("An account with this email already exists.");
        }
        String hash = hasher.hash(n.password());
        try {
            audit.inTransactionRun(() -> {
                store.insert(account, hash);
                audit.record(Audit.event(AuditType.ACCOUNT_CREATED).account(account.id())
                        .detail("email", account.email()).detail("role", account.role()));
            });
        } catch (DuplicateException e) {
            throw DomainException.conflict("An account with this email already exists.");
        }
        return account;
    }

    /** Checks a new password's length; the field name goes in the error. */
    public static void checkPassword(String field, String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw DomainException.invalid(field + " must be at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > MAX_PASSWORD) {
            throw DomainException.invalid(field + " must be at most " + MAX_PASSWORD + " characters");
        }
    }

    /** A change of an account's details; null fields stay as they are. */
    public record Change(String firstName, String lastName, String email, Role role, Boolean disabled) {
        public static Change names(String firstName, String lastName) {
            return new Change(firstName, lastName, null, null, null);
        }
    }

    /**
     * Applies a change after checking all of it (a refused change changes nothing). Disabling here only
     * marks the account; ending what hangs on it is {@code AccountLifecycle}'s job. The change is written
     * only onto the version it was checked against: when someone changed the account meanwhile, it is
     * applied again to the account as stored now (so both changes stay), and after {@link #ATTEMPTS} lost
     * races in a row the caller is told to try again (409).
     */
    public Account change(Account a, Change c) {
        Account current = a;
        for (int attempt = 1; ; attempt++) {
            Account changed = checked(current, c);
            boolean written;
            Account before = current;
            try {
                // SPEC §9: the change and its audit record in one transaction (no change is unlogged)
                written = audit.inTransaction(() -> {
                    if (!store.update(changed, clock.instant())) {
                        return false;
                    }
                    audit.record(Audit.event(AuditType.ACCOUNT_CHANGED).account(a.id()).detail("fields", changedFields(before, changed)));
                    return true;
                });
            } catch (DuplicateException e) {
                throw DomainException.conflict("An account with this email already exists.");
            }
            evict(a.id());
            if (written) {
                return changed.withVersion(current.version() + 1);
            }
            if (attempt == ATTEMPTS) {
                throw lostRace(a.id());
            }
            current = store.byId(a.id()).orElseThrow(() -> DomainException.notFound("Account " + a.id() + " does not exist"));
        }
    }

    /** How often a change is applied again after someone else's change got in first. */
    public static final int ATTEMPTS = 5;

    /** 409 after {@link #ATTEMPTS} lost races in a row. */
    public static DomainException lostRace(long id) {
        return DomainException.conflict("Account " + id + " was changed by someone else at the same time; try again.");
    }

    /** The account as a change would leave it, every part checked; nothing is written. */
    public Account checked(Account a, Change c) {
        String email = c.email() == null ? a.email() : checkEmail("email", c.email());
        if (!email.equalsIgnoreCase(a.email()) && store.byEmail(email).isPresent()) {
            throw DomainException.conflict("An account with this email already exists.");
        }
        return new Account(a.id(), email, c.firstName() == null ? a.firstName() : name("firstName", c.firstName()),
                c.lastName() == null ? a.lastName() : name("lastName", c.lastName()), c.role() == null ? a.role() : c.role(),
                a.createdAt(), c.disabled() == null ? a.disabled() : c.disabled(), a.version());
    }

    /** SPEC §8: a new email, confirmed with the account's password. */
    public Account changeEmail(Account a, String email, String password) {
        requirePassword(a, password);
        return change(a, new Change(null, null, email, null, null));
    }

    /**
     * SPEC §8: a new password, the current one required; every session of the account but
     * {@code keepSessionHash} ends, in the same transaction.
     */
    public void changePassword(Account a, String current, String next, String keepSessionHash) {
        checkPassword("The new password", next);
        requirePassword(a, current);
        String hash = hasher.hash(next);
        audit.inTransactionRun(() -> {
            store.setPassword(a.id(), hash, keepSessionHash);
            audit.record(Audit.event(AuditType.PASSWORD_CHANGED).account(a.id())
                    .detail("other_sessions_ended", true));
        });
    }

    /** Records a password set through a reset link, inside the caller's transaction (SPEC §9). */
    void recordReset(long accountId) {
        audit.record(Audit.event(AuditType.PASSWORD_RESET).actor(Long.toString(accountId)).account(accountId)
                .detail("via", "reset_link").detail("sessions_ended", true));
    }

    /** Sets a password without the old one (a reset link was used); every session of the account ends. */
    String hashForReset(String next) {
        checkPassword("The new password", next);
        return hasher.hash(next);
    }

    /**
     * Throws {@link WrongPassword} unless {@code password} is the account's password (the same message for any
     * mismatch), and records the failure in the audit log as a failed login of the account.
     */
    public void requirePassword(Account a, String password) {
        String stored = store.passwordHash(a.id()).orElse(DUMMY_HASH);
        if (password == null || password.length() > MAX_PASSWORD || !hasher.verify(password, stored)) {
            audit.record(Audit.event(AuditType.LOGIN_FAILED).account(a.id()).detail("via", "password_check"));
            throw new WrongPassword();
        }
    }

    /** The password a signed-in account gave to confirm a change is not its own (the caller throttles these). */
    public static final class WrongPassword extends DomainException {
        WrongPassword() {
            super(Kind.INVALID, "The current password is not right.");
        }
    }

    /** The names of the fields a change touched (never their values: an email is personal data). */
    public static List<String> changedFields(Account before, Account after) {
        List<String> fields = new ArrayList<>();
        if (!before.email().equals(after.email())) {
            fields.add("email");
        }
        if (!Objects.equals(before.firstName(), after.firstName())) {
            fields.add("firstName");
        }
        if (!Objects.equals(before.lastName(), after.lastName())) {
            fields.add("lastName");
        }
        if (before.role() != after.role()) {
            fields.add("role");
        }
        if (before.disabled() != after.disabled()) {
            fields.add("disabled");
        }
        return fields;
    }

    /** Drops this node's cached copy of an account (after a change). */
    public void evict(long id) {
        cache.invalidate(id);
    }

    private static String name(String field, String value) {
        String v = value.strip();
        if (v.length() > 100) {
            throw DomainException.invalid(field + " must be at most 100 characters");
        }
        return v;
    }

    /**
     * The account, from a short-lived cache: {@code GET /v1.0/me} is on the hot path. Fresh for 5 s; one in
     * use is reloaded in the background after 2.5 s, so a request reads the database only for an account
     * not seen in the last 5 s.
     */
    public Optional<Account> byId(long id) {
        Cached c = cache.getIfPresent(id);
        long now = clock.millis();
        if (c != null && now - c.loadedAt < CACHE_MILLIS) {
            if (now - c.loadedAt >= REFRESH_MILLIS) {
                refresh.refresh(id, () -> reload(id, c));
            }
            return Optional.of(c.account);
        }
        Optional<Account> a;
        try {
            a = store.byId(id);
        } catch (StoreException e) {
            // Re-stamping resets Caffeine's expiry, so the hour is counted from the last read here.
            if (c != null && e.failure() == StoreException.Failure.UNAVAILABLE && now - c.readAt < STALE_MILLIS) {
                // The database is away: serve what this node knew, and look again only after CACHE_MILLIS, or
                // every request for this account would wait for the pool's timeout (2 s on PostgreSQL) first.
                cache.asMap().replace(id, c, new Cached(c.account, now, c.readAt));
                return Optional.of(c.account);
            }
            throw e;
        }
        a.ifPresentOrElse(account -> cache.put(id, new Cached(account, now)), () -> cache.invalidate(id));
        return a;
    }

    /**
     * The background reload of an entry still fresh: it replaces only that very entry, so an entry evicted
     * or replaced meanwhile (a change on this node) is never covered by a row read before the change.
     */
    private void reload(long id, Cached seen) {
        long now = clock.millis();
        Optional<Account> a = store.byId(id);
        if (a.isEmpty()) {
            cache.asMap().remove(id, seen);
        } else {
            cache.asMap().replace(id, seen, new Cached(a.get(), now));
        }
    }

    /** Tests: reloads ahead of staleness run on this executor. */
    void refreshOn(java.util.concurrent.Executor e) {
        refresh.runOn(e);
    }

    /**
     * {@code loadedAt}: when the entry was last checked (read, or the database found away); {@code readAt}: when
     * it was last read from the database. A stale copy is served during an outage only for
     * {@link #STALE_MILLIS} after {@code readAt}.
     */
    private record Cached(Account account, long loadedAt, long readAt) {
        Cached(Account account, long loadedAt) {
            this(account, loadedAt, loadedAt);
        }
    }

    /** How long after its last read a cached account may still be served while the database is away. */
    private static final long STALE_MILLIS = 60 * 60 * 1000L; // an hour

    private static final long CACHE_MILLIS = 5_000;
    /**
     * An account in use is reloaded in the background this long after it was loaded: half way, so that a reload
     * has 2.5 s to land before the entry goes stale (at 4 s, a starved node's reload often landed after 5 s
     * and every request in flight then read the database itself; bench/README.md, helper "manynode2").
     */
    static final long REFRESH_MILLIS = 2_500;
    private final RefreshAhead<Long> refresh = new RefreshAhead<>("account");
    /** Fresh for {@link #CACHE_MILLIS}; kept an hour to serve while the database is away; at most 100,000. */
    private final Cache<Long, Cached> cache = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofMillis(STALE_MILLIS)).executor(Runnable::run).build();

    /** The account as stored right now, bypassing this node's cache (for changes). */
    public Optional<Account> fresh(long id) {
        return store.byId(id);
    }

    public Optional<Account> byEmail(String email) {
        return store.byEmail(email);
    }

    /** The account whose email and password these are; empty on any mismatch (which one is not said). */
    public Optional<Account> login(String email, String password) {
        String typed = email == null ? "" : email.strip();
        Optional<AccountStore.StoredLogin> stored = store.loginByEmail(typed);
        if (stored.isEmpty() || password == null) {
            // Spend the same time as a real check, so response time does not tell which emails exist.
            hasher.verify(password == null ? "" : password, DUMMY_HASH);
            loginFailed(typed, stored.map(s -> s.account().id()).orElse(null));
            return Optional.empty();
        }
        Account account = stored.get().account();
        if (!hasher.verify(password, stored.get().passwordHash())) {
            loginFailed(typed, account.id());
            return Optional.empty();
        }
        audit.record(Audit.event(AuditType.LOGIN_SUCCEEDED).actor(Long.toString(account.id())).account(account.id()));
        return Optional.of(account);
    }

    private void loginFailed(String typedEmail, Long accountId) {
        audit.record(Audit.event(AuditType.LOGIN_FAILED).actor(null).account(accountId)
                .detail("email", typedEmail.length() > 254 ? typedEmail.substring(0, 254) : typedEmail));
    }

    private static final String DUMMY_HASH =
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5l8Lbwkq6ICyFd8pn6Cw/5nS0rjn6yx4+P6TfPgsIEU";

    /** Checks an email's shape and length; returns it stripped. The field name goes in the error. */
    public static String checkEmail(String field, String email) {
        if (email == null || email.isBlank()) {
            throw DomainException.invalid(field + " is required");
        }
        String e = email.strip();
        if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
            throw DomainException.invalid(field + " is not a valid email address");
        }
        return e;
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
