package io.gatehouse.account;

import io.gatehouse.core.DomainException;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.IdGenerator;
import java.time.Clock;
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

    public Accounts(AccountStore store, PasswordHasher hasher, IdGenerator ids, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.ids = ids;
        this.clock = clock;
    }

    public Account create(NewAccount n) {
        String email = checkEmail("email", n.email());
        if (n.password() == null || n.password().length() < MIN_PASSWORD) {
            throw DomainException.invalid("password must be at least " + MIN_PASSWORD + " characters");
        }
        if (n.password().length() > MAX_PASSWORD) {
            throw DomainException.invalid("password must be at most " + MAX_PASSWORD + " characters");
        }
        Account account = new Account(ids.next(), email, strip(n.firstName()), strip(n.lastName()),
                n.role() == null ? Role.USER : n.role(), clock.instant());
        if (store.byEmail(email).isPresent()) {
            throw DomainException.conflict("An account with this email already exists.");
        }
        try {
            store.insert(account, hasher.hash(n.password()));
        } catch (DuplicateException e) {
            throw DomainException.conflict("An account with this email already exists.");
        }
        return account;
    }

    /** The account, from a short-lived cache: {@code GET /v1.0/me} is on the hot path. */
    public Optional<Account> byId(long id) {
        Cached c = cache.get(id);
        long now = clock.millis();
        if (c != null && now - c.loadedAt < CACHE_MILLIS) {
            return Optional.of(c.account);
        }
        Optional<Account> a;
        try {
            a = store.byId(id);
        } catch (io.gatehouse.store.StoreException e) {
            if (c != null) {
                return Optional.of(c.account); // the database is away: serve what this node knew
            }
            throw e;
        }
        a.ifPresent(account -> {
            if (cache.size() > 100_000) {
                cache.clear();
            }
            cache.put(id, new Cached(account, now));
        });
        return a;
    }

    private record Cached(Account account, long loadedAt) {
    }

    private static final long CACHE_MILLIS = 5_000;
    private final java.util.concurrent.ConcurrentHashMap<Long, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    public Optional<Account> byEmail(String email) {
        return store.byEmail(email);
    }

    /** The account whose email and password these are; empty on any mismatch (which one is not said). */
    public Optional<Account> login(String email, String password) {
        Optional<AccountStore.StoredLogin> stored = store.loginByEmail(email == null ? "" : email.strip());
        if (stored.isEmpty() || password == null) {
            // Spend the same time as a real check, so response time does not tell which emails exist.
            hasher.verify(password == null ? "" : password, DUMMY_HASH);
            return Optional.empty();
        }
        return hasher.verify(password, stored.get().passwordHash()) ? Optional.of(stored.get().account()) : Optional.empty();
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
