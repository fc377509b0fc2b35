package io.gatehouse.app;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.core.DomainException;
import io.gatehouse.core.RefreshAhead;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Registering and changing apps, their secrets, test users and review (SPEC §5, §8). Apps are read on
 * every token request and every API call, so they are cached; a change made on this node is seen at
 * once, and a change made on another node within {@link #CACHE_MILLIS}.
 */
public final class Apps {
    private static final long CACHE_MILLIS = 5_000;
    /**
     * An app in use is reloaded in the background this long after it was loaded: half way, so that a reload
     * has 2.5 s to land before the entry goes stale (at 4 s, a starved node's reload often landed after 5 s
     * and every request in flight then read the database itself; bench/README.md, helper "manynode2").
     */
    static final long REFRESH_MILLIS = 2_500;
    private final RefreshAhead<String> refresh = new RefreshAhead<>("app");
    /** SPEC §11 v2: each app has its own bucket, so unlimited apps would be unlimited requests. */
    public static final int MAX_APPS_PER_ACCOUNT = 20;

    private final AppStore store;
    private final PermissionCatalog catalog;
    private final Clock clock;
    /**
     * Apps seen recently: fresh for {@link #CACHE_MILLIS}, kept an hour to serve while the database is away,
     * at most 100,000. Each entry keeps the highest version seen, so saves and loads finishing out of order
     * never leave an older app in place.
     */
    private final Cache<String, Cached> cache = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofMillis(STALE_MILLIS)).executor(Runnable::run).build();

    /**
     * {@code loadedAt}: when the entry was last checked (read, or the database found away; 0 once marked
     * stale); {@code readAt}: when it was last read or saved. A stale copy is served during an outage only for
     * {@link #STALE_MILLIS} after {@code readAt}.
     */
    private record Cached(App app, long loadedAt, long readAt) {
        Cached(App app, long loadedAt) {
            this(app, loadedAt, loadedAt);
        }
    }

    /** How long after its last read a cached app may still be served while the database is away. */
    private static final long STALE_MILLIS = 60 * 60 * 1000L; // an hour

    /** The app with its secret, which exists outside the client only in this answer. */
    public record WithSecret(App app, String secret) {
        @Override
        public String toString() {
            return "WithSecret[" + app.clientId() + "]";
        }
    }

    /** What a developer sends to register an app; validated by {@link #create}. */
    public record Registration(String name, String description, App.ClientType type, List<String> redirectUris,
                               List<String> permissions, Set<Long> testUsers) {
    }

    private final Revocations revocations;
    private final Audit audit;
    private volatile Consumer<App> onApproved = a -> { };

    public Apps(AppStore store, PermissionCatalog catalog, Clock clock, Revocations revocations, Audit audit) {
        this.revocations = revocations;
        this.audit = audit;
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
    }

    public PermissionCatalog catalog() {
        return catalog;
    }

    public WithSecret create(long ownerId, Registration r) {
        List<String> uris = RedirectUris.validate("redirect_uris", r.redirectUris());
        List<String> permissions = distinct(r.permissions());
        catalog.requireKnown("permissions", permissions);
        Instant now = clock.instant();
        String secret = r.type() == App.ClientType.CONFIDENTIAL ? CredentialFormat.CLIENT_SECRET.mint() : null;
        App app = new App(CredentialFormat.CLIENT_ID.mint(), ownerId, r.name(), r.description(), r.type(),
                secret == null ? null : Secrets.sha256(secret), uris, permissions, null, App.Mode.DEVELOPMENT,
                App.ReviewStatus.DRAFT, null, null, false, r.testUsers() == null ? Set.of() : Set.copyOf(r.testUsers()), now, now, 0);
        audit.inTransactionRun(() -> {
            if (!store.insert(app, MAX_APPS_PER_ACCOUNT)) {
                throw DomainException.conflict("An account may have at most " + MAX_APPS_PER_ACCOUNT + " apps.");
            }
            audit.record(Audit.event(AuditType.APP_CREATED).account(ownerId).client(app.clientId())
                    .detail("name", app.name()).detail("type", app.type().name()).detail("permissions", permissions));
        });
        return new WithSecret(app, secret);
    }

    /** The app, from this node's cache when fresh (5 s; one in use is reloaded in the background after 2.5 s). */
    public Optional<App> get(String clientId) {
        if (clientId == null || clientId.length() > 64 || hasControl(clientId)) {
            return Optional.empty(); // no client id is that long or holds a control character (PostgreSQL refuses NUL)
        }
        Cached c = cache.getIfPresent(clientId);
        long now = clock.millis();
        if (c != null && now - c.loadedAt < CACHE_MILLIS) {
            if (now - c.loadedAt >= REFRESH_MILLIS) {
                refresh.refresh(clientId, () -> reload(clientId, c));
            }
            return Optional.of(c.app);
        }
        Optional<App> app;
        try {
            app = store.byClientId(clientId);
        } catch (StoreException e) {
            // Re-stamping resets Caffeine's expiry, so the hour is counted from the last read here.
            if (c != null && e.failure() == StoreException.Failure.UNAVAILABLE && now - c.readAt < STALE_MILLIS) {
                // The database is away: a stale app beats refusing every call. Look again only after CACHE_MILLIS,
                // or every call with this app would wait for the pool's timeout (2 s on PostgreSQL) first.
                cache.asMap().replace(clientId, c, new Cached(c.app, now, c.readAt));
                return Optional.of(c.app);
            }
            throw e;
        }
        if (app.isEmpty()) {
            cache.invalidate(clientId);
            return app;
        }
        return Optional.of(keepNewest(new Cached(app.get(), now)).app);
    }

    /**
     * The background reload of an entry still fresh: it replaces only that very entry, so a change marked
     * meanwhile ({@link #markStale}, which puts a new entry) is never covered by a row read before it.
     */
    private void reload(String clientId, Cached seen) {
        long now = clock.millis();
        Optional<App> app = store.byClientId(clientId);
        if (app.isEmpty()) {
            cache.asMap().remove(clientId, seen);
        } else if (app.get().version() >= seen.app.version()) {
            cache.asMap().replace(clientId, seen, new Cached(app.get(), now));
        }
    }

    /** Tests: reloads ahead of staleness run on this executor. */
    void refreshOn(java.util.concurrent.Executor e) {
        refresh.runOn(e);
    }

    /** A plain loop, not a stream: this runs on every request made with an access token. */
    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** The app as stored right now, bypassing the cache (for changes). */
    public App fresh(String clientId) {
        return store.byClientId(clientId).orElseThrow(() -> DomainException.notFound("App " + clientId + " does not exist"));
    }

    public List<App> byOwner(long ownerId) {
        return store.byOwner(ownerId);
    }

    public List<App> list(App.ReviewStatus status) {
        return store.list(status);
    }

    /**
     * A change to an app; null fields stay as they are. {@code byAdmin}: permissions apply at once (the
     * admin is the reviewer); otherwise a developer's additions in production wait for review.
     * {@code setLimit} with a null {@code limit} returns the app to its mode's default.
     */
    public record Edit(String name, String description, List<String> redirectUris, List<String> permissions,
                       boolean byAdmin, boolean setLimit, Integer limit, Set<Long> testUsers, Boolean introspect) {
        public static Edit byDeveloper(String name, String description, List<String> redirectUris, List<String> permissions) {
            return new Edit(name, description, redirectUris, permissions, false, false, null, null, null);
        }
    }

    /** Applies an edit in one write, after every part of it was checked: a refused edit changes nothing. */
    public App edit(App app, Edit e) {
        List<String> uris = e.redirectUris() == null ? null : RedirectUris.validate("redirect_uris", e.redirectUris());
        List<String> permissions = e.permissions() == null ? null : distinct(e.permissions());
        if (permissions != null) {
            catalog.requireKnown("permissions", permissions);
        }
        return change(app, current -> {
            Instant now = clock.instant();
            App a = current.withDetails(e.name() == null ? current.name() : e.name(),
                    e.description() == null ? current.description() : e.description(),
                    uris == null ? current.redirectUris() : uris, now);
            if (permissions != null) {
                a = e.byAdmin() ? setPermissions(a, permissions, now) : requestPermissions(a, permissions, now);
            }
            if (e.setLimit()) {
                a = a.withRateLimit(e.limit(), now);
            }
            if (e.testUsers() != null) {
                a = a.withTestUsers(e.testUsers(), now);
            }
            if (e.introspect() != null) {
                a = a.withIntrospect(e.introspect(), now);
            }
            return a;
        }, (before, after) -> {
            List<Audit.Event> events = new ArrayList<>();
            List<String> changed = changedFields(before, after);
            if (!changed.isEmpty()) {
                Audit.Event changes = event(AuditType.APP_CHANGED, after).detail("fields", changed);
                events.add(before.introspect() == after.introspect() ? changes : changes.detail("introspect", after.introspect()));
            }
            if (!Objects.equals(before.rateLimitPerMinute(), after.rateLimitPerMinute())) {
                events.add(limitEvent(before, after));
            }
            return events;
        });
    }

    private static List<String> changedFields(App before, App after) {
        List<String> fields = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            fields.add("name");
        }
        if (!before.description().equals(after.description())) {
            fields.add("description");
        }
        if (!before.redirectUris().equals(after.redirectUris())) {
            fields.add("redirect_uris");
        }
        if (!before.permissions().equals(after.permissions())) {
            fields.add("permissions");
        }
        if (!Objects.equals(before.pendingPermissions(), after.pendingPermissions())) {
            fields.add("pending_permissions");
        }
        if (!before.testUsers().equals(after.testUsers())) {
            fields.add("test_users");
        }
        if (before.introspect() != after.introspect()) {
            fields.add("introspect");
        }
        return fields;
    }

    private static Audit.Event event(AuditType type, App app) {
        return Audit.event(type).account(app.ownerId()).client(app.clientId());
    }

    private static Audit.Event limitEvent(App before, App after) {
        return event(AuditType.APP_LIMIT_CHANGED, after).detail("from", before.rateLimitPerMinute())
                .detail("to", after.rateLimitPerMinute());
    }

    /**
     * A developer's change of permissions. In development it applies at once. In production, removals
     * apply at once and additions wait for review (SPEC §8); tokens already issued keep their scope.
     */
    private static App requestPermissions(App app, List<String> wanted, Instant now) {
        if (app.mode() == App.Mode.DEVELOPMENT) {
            return app.withPermissions(wanted, null, app.reviewStatus(), now);
        }
        List<String> kept = app.permissions().stream().filter(wanted::contains).toList();
        boolean adds = !kept.containsAll(wanted);
        return app.withPermissions(kept, adds ? wanted : null, adds ? App.ReviewStatus.PENDING : app.reviewStatus(), now);
    }

    /** An admin's change of permissions: applies at once, and settles any pending request. */
    private static App setPermissions(App app, List<String> permissions, Instant now) {
        return app.withPermissions(permissions, null, app.reviewStatus() == App.ReviewStatus.PENDING
                && app.pendingPermissions() != null ? App.ReviewStatus.APPROVED : app.reviewStatus(), now);
    }

    /**
     * A new secret, written on its own: no other change can put the old one back, and a change read before
     * the rotation is retried on the rotated row.
     */
    public WithSecret rotateSecret(App app) {
        if (!app.isConfidential()) {
            throw DomainException.invalid("public apps have no client secret");
        }
        String secret = CredentialFormat.CLIENT_SECRET.mint();
        App rotated = revocations.run(ended -> {
            App r = store.setSecretHash(app.clientId(), Secrets.sha256(secret), clock.instant())
                    .orElseThrow(() -> DomainException.notFound("App " + app.clientId() + " does not exist"));
            audit.record(event(AuditType.APP_SECRET_ROTATED, r));
            ended.add(Revocation.app(r.clientId()));
            return r;
        });
        saved(rotated);
        return new WithSecret(rotated, secret);
    }

    public App removeTestUser(App app, long accountId) {
        return change(app, current -> {
            Set<Long> users = new HashSet<>(current.testUsers());
            users.remove(accountId);
            return current.withTestUsers(users, clock.instant());
        }, (before, after) -> List.of(event(AuditType.APP_CHANGED, after).detail("fields", List.of("test_users"))));
    }

    /** The developer asks for review: a draft or declined app becomes pending. */
    public App submit(App app) {
        return change(app, current -> {
            if (current.reviewStatus() == App.ReviewStatus.PENDING) {
                throw DomainException.conflict("This app is already waiting for review.");
            }
            if (current.reviewStatus() == App.ReviewStatus.APPROVED && current.pendingPermissions() == null) {
                throw DomainException.conflict("This app is already approved; nothing waits for review.");
            }
            return current.withReview(current.mode(), App.ReviewStatus.PENDING, null, clock.instant());
        }, (before, after) -> List.of(event(AuditType.APP_SUBMITTED, after)));
    }

    /** Approval moves the app to production (500/min) and applies any pending permissions. */
    public App approve(App app) {
        App approved = change(app, current -> {
            Instant now = clock.instant();
            App a = current;
            if (a.pendingPermissions() != null) {
                a = a.withPermissions(a.pendingPermissions(), null, a.reviewStatus(), now);
            }
            return a.withReview(App.Mode.PRODUCTION, App.ReviewStatus.APPROVED, null, now);
        }, (before, after) -> List.of(event(AuditType.APP_APPROVED, after).detail("permissions", after.permissions())));
        // After the approval's commit: should this fail, the app's new URIs are merely not yet trusted (fail-safe).
        onApproved.accept(approved);
        return approved;
    }

    /** Told of every approval, after it committed (the module records the URIs it approved). */
    public void onApproved(Consumer<App> listener) {
        this.onApproved = listener;
    }

    /** A decline records a note the developer sees; pending permission additions are dropped. */
    public App decline(App app, String note) {
        return change(app, current -> {
            Instant now = clock.instant();
            App a = current.pendingPermissions() == null ? current
                    : current.withPermissions(current.permissions(), null, current.reviewStatus(), now);
            return a.withReview(current.mode(), App.ReviewStatus.DECLINED, note, now);
        }, (before, after) -> List.of(event(AuditType.APP_DECLINED, after).detail("note", note)));
    }

    public App setRateLimit(App app, Integer perMinute) {
        return change(app, current -> current.withRateLimit(perMinute, clock.instant()),
                (before, after) -> List.of(limitEvent(before, after)));
    }

    /**
     * Writes {@code change} applied to the app, with its audit events in the same transaction, if nobody
     * changed the app since it was read; otherwise reads it again and applies the change to what is stored
     * now (so its checks see the fresh app). After {@link #ATTEMPTS} lost races in a row the caller is told
     * to try again (409).
     */
    private App change(App app, UnaryOperator<App> change, BiFunction<App, App, List<Audit.Event>> events) {
        App current = app;
        for (int attempt = 1; ; attempt++) {
            App before = current;
            App changed = change.apply(current);
            boolean written = revocations.run(ended -> {
                if (!store.update(changed)) {
                    return false;
                }
                events.apply(before, changed).forEach(audit::record);
                ended.add(Revocation.app(changed.clientId()));
                return true;
            });
            if (written) {
                return saved(changed.withVersion(current.version() + 1));
            }
            if (attempt == ATTEMPTS) {
                throw DomainException.conflict("App " + app.clientId() + " was changed by someone else at the same time; try again.");
            }
            current = fresh(app.clientId());
        }
    }

    private static final int ATTEMPTS = 5;

    /** Every node reloads the app (announced with the change); this node keeps the newest version it has seen. */
    private App saved(App app) {
        keepNewest(new Cached(app, clock.millis()));
        return app;
    }

    private Cached keepNewest(Cached loaded) {
        return cache.asMap().merge(loaded.app.clientId(), loaded,
                (old, now) -> old.app.version() > now.app.version() ? old : now);
    }

    /** The app's test users changed outside this class (an invitation was accepted): every node reloads it. */
    public void testUsersChanged(String clientId) {
        revocations.announce(Revocation.app(clientId));
    }

    /**
     * The app changed (here or on another node): the next read goes to the database. The entry stays, marked
     * stale (loaded at time 0), so its version still outranks a load that read the row before the change,
     * and it can still be served while the database is away.
     */
    public void markStale(String clientId) {
        cache.asMap().computeIfPresent(clientId, (id, c) -> new Cached(c.app, 0, c.readAt));
    }

    private static List<String> distinct(List<String> list) {
        return list == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(list));
    }
}
