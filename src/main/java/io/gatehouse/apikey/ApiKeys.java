package io.gatehouse.apikey;

import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.auth.CredentialVerifier;
import io.gatehouse.auth.Principal;
import io.gatehouse.auth.Secrets;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.token.SigningKeys;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * API keys: creating, listing, revoking, and authenticating requests that carry one.
 *
 * <p>Authentication is on every request, so a key's signature is checked once per node and the
 * result cached by the key's text. A cache hit costs one map lookup plus the two checks that keep
 * the cache exact: the key's id against the set of revoked ids (revocation is immediate) and its
 * expiry against the clock (expiry is exact). The hit path allocates nothing; {@code last_used_at}
 * is noted in the cached entry and written to the database in batches by {@link #flushLastUsed}.
 *
 * <p>Both the cache and the revoked ids are bounded, expiring Caffeine caches. A verified key is kept
 * {@link #CACHE_TTL} and then checked against the database again; a revoked id is kept a margin longer,
 * so no cached entry outlives the id that refuses it. Should the revoked ids ever overflow their bound,
 * the key cache is emptied with them. A use not yet written when an entry leaves the cache is kept
 * aside and written by the next flush, never dropped.
 */
public final class ApiKeys implements CredentialVerifier {
    public static final int MAX_ACTIVE_KEYS = 10;
    private static final int MAX_CACHED = 100_000;
    private static final int MAX_REVOKED = 1_000_000;
    static final Duration CACHE_TTL = Duration.ofHours(1);
    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final ApiKeyStore store;
    private final SigningKeys signingKeys;
    private final IdGenerator ids;
    private final Clock clock;
    private final Cache<String, Verified> cache;
    private final Cache<Long, Boolean> revoked;
    /** Last uses of keys that left the cache before they were written: key id → epoch millis. */
    private final ConcurrentHashMap<Long, Long> unsaved = new ConcurrentHashMap<>();

    /** A key whose signature and record were checked. */
    private static final class Verified {
        final long keyId;
        final long expiresAtMillis;
        final Principal principal;
        volatile long lastUsedMillis;
        volatile long flushedMillis;
        volatile boolean expiredUseRecorded;

        Verified(long keyId, Instant expiresAt, Principal principal) {
            this.keyId = keyId;
            this.expiresAtMillis = expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
            this.principal = principal;
        }
    }

    /** A key just created: the only moment its text exists outside the client. */
    public record Created(ApiKey record, String key) {
        @Override
        public String toString() {
            return "Created[" + record.id() + "]";
        }
    }

    private final Revocations revocations;
    private final Audit audit;

    public ApiKeys(ApiKeyStore store, SigningKeys signingKeys, IdGenerator ids, Clock clock, Revocations revocations, Audit audit) {
        this.revocations = revocations;
        this.audit = audit;
        com.github.benmanes.caffeine.cache.Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.cache = Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfterWrite(CACHE_TTL).ticker(ticker)
                .executor(Runnable::run)
                .<String, Verified>removalListener((key, v, cause) -> keepUnsaved(v))
                .build();
        this.revoked = Caffeine.newBuilder().maximumSize(MAX_REVOKED).expireAfterWrite(CACHE_TTL.plus(MARGIN)).ticker(ticker)
                .executor(Runnable::run)
                .<Long, Boolean>removalListener((id, x, cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        cache.invalidateAll(); // an entry might outlive the id that refused it
                    }
                })
                .build();
        this.store = store;
        this.signingKeys = signingKeys;
        this.ids = ids;
        this.clock = clock;
    }

    public Created create(long accountId, String name, String description, Instant expiresAt) {
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw DomainException.invalid("expires_at must be in the future");
        }
        long id = ids.next();
        ApiKey record = new ApiKey(id, accountId, name, description, now, expiresAt, null, null);
        String key = ApiKeyFormat.mint(signingKeys.current(SigningKeys.Purpose.API_KEY), accountId, id, now, expiresAt);
        audit.inTransactionRun(() -> {
            switch (store.insertIfUnderLimit(record, Secrets.sha256(key), MAX_ACTIVE_KEYS, now)) {
                case INSERTED -> { }
                case AT_LIMIT -> throw DomainException.conflict("An account may have at most " + MAX_ACTIVE_KEYS
                        + " active API keys; revoke one first.");
                case ACCOUNT_ENDED -> throw DomainException.conflict("Account " + accountId
                        + " is disabled or deleted: it can have no new keys.");
            }
            audit.record(Audit.event(AuditType.KEY_CREATED).account(accountId).detail("key_id", id)
                    .detail("name", name).detail("expires_at", expiresAt == null ? null : expiresAt.toString()));
        });
        return new Created(record, key);
    }

    /** The account's keys, newest first, with this node's latest use folded in. */
    public List<ApiKey> list(long accountId) {
        Map<Long, Long> local = new HashMap<>(unsaved);
        for (Verified v : cache.asMap().values()) {
            if (v.principal.accountId() == accountId && v.lastUsedMillis > 0) {
                local.merge(v.keyId, v.lastUsedMillis, Math::max);
            }
        }
        return store.byAccount(accountId).stream().map(k -> {
            Long used = local.get(k.id());
            if (used != null && (k.lastUsedAt() == null || k.lastUsedAt().toEpochMilli() < used)) {
                return k.withLastUsed(Instant.ofEpochMilli(used));
            }
            return k;
        }).toList();
    }

    public Optional<ApiKey> byId(long id) {
        return store.byId(id);
    }

    /**
     * Revokes the key; the very next request with it is refused, on every node, and so is every token an
     * app got with it as {@code customer_key} (the grants end in the same transaction, see
     * {@link Revocations#cascade}). Returns the key as it now stands.
     */
    public ApiKey revoke(ApiKey key) {
        revocations.run(ended -> {
            if (store.revoke(key.id(), clock.instant())) {
                audit.record(Audit.event(AuditType.KEY_REVOKED).account(key.accountId()).detail("key_id", key.id())
                        .detail("name", key.name()));
                ended.add(Revocation.apiKey(key.id()));
            }
            return null;
        });
        return store.byId(key.id()).orElseThrow();
    }

    /**
     * Refuses a revoked key on this node from now on; applied by the revocation bus (this node's and the
     * others'). Revoking itself is {@link #revoke}.
     */
    public void markRevoked(long keyId) {
        revoked.put(keyId, Boolean.TRUE);
    }

    /** Applies every API key revocation announced on the bus, this node's and the others', through {@link #markRevoked}. */
    public ApiKeys followingRevocations() {
        revocations.subscribe(r -> {
            if (r.kind() == Revocation.Kind.API_KEY) {
                markRevoked(Long.parseLong(r.id()));
            }
        });
        return this;
    }

    /** SPEC §2, §4: {@code Authorization: token <key>} → the key's account, acting as itself. */
    @Override
    public Principal verify(String key) {
        Verified v = cache.getIfPresent(key);
        long now = clock.millis();
        if (v == null) {
            v = load(key);
        }
        if (revoked.getIfPresent(v.keyId) != null) {
            throw refused("This API key has been revoked.");
        }
        if (now >= v.expiresAtMillis) {
            recordExpiredUse(v);
            throw refused("This API key has expired.");
        }
        v.lastUsedMillis = now;
        return v.principal;
    }

    private Verified load(String key) {
        ApiKeyFormat.Claims claims = ApiKeyFormat.verify(key, signingKeys.verifying(SigningKeys.Purpose.API_KEY));
        if (claims == null && key.startsWith(ApiKeyFormat.PREFIX) && signingKeys.reloadIfStale()) {
            claims = ApiKeyFormat.verify(key, signingKeys.verifying(SigningKeys.Purpose.API_KEY));
        }
        if (claims == null) {
            throw refused("The API key is not valid.");
        }
        ApiKeyStore.Stored stored = store.withHash(claims.keyId()).orElseThrow(() -> refused("The API key is not valid."));
        ApiKey record = stored.key();
        if (record.accountId() != claims.accountId() || !Secrets.matches(key, stored.hash())) {
            throw refused("The API key is not valid.");
        }
        if (record.revokedAt() != null) {
            revoked.put(record.id(), Boolean.TRUE);
        }
        Principal principal = Principal.of(record.accountId(), Principal.Kind.API_KEY, Long.toString(record.id()),
                null, null, record.expiresAt());
        Verified v = new Verified(record.id(), record.expiresAt(), principal);
        if (record.lastUsedAt() != null) {
            v.flushedMillis = record.lastUsedAt().toEpochMilli();
        }
        cache.put(key, v);
        return v;
    }

    /**
     * An expired key presented again is worth an audit event (someone still holds it), once per key and
     * node, so that a client retrying in a loop cannot flood the log. A database away does not turn the
     * refusal into a 503.
     */
    private void recordExpiredUse(Verified v) {
        if (v.expiredUseRecorded) {
            return;
        }
        v.expiredUseRecorded = true;
        try {
            audit.record(Audit.event(AuditType.KEY_EXPIRED_IN_USE).account(v.principal.accountId())
                    .actor(null).detail("key_id", v.keyId));
        } catch (io.gatehouse.store.StoreException e) {
            v.expiredUseRecorded = false;
        }
    }

    /** Runs the caches' pending evictions now (they run in passing otherwise); for tests. */
    void cleanUp() {
        revoked.cleanUp();
        cache.cleanUp();
    }

    /** A use not yet written when its entry leaves the cache waits for the next flush. */
    private void keepUnsaved(Verified v) {
        if (v != null && v.lastUsedMillis > v.flushedMillis) {
            unsaved.merge(v.keyId, v.lastUsedMillis, Math::max);
        }
    }

    /** Writes the uses noted since the last flush; run every few seconds and at shutdown. */
    public void flushLastUsed() {
        Map<Long, Instant> batch = new HashMap<>();
        Map<Verified, Long> flushed = new HashMap<>();
        Map<Long, Long> aside = new HashMap<>(unsaved);
        aside.forEach((id, used) -> batch.merge(id, Instant.ofEpochMilli(used), (a, b) -> a.isAfter(b) ? a : b));
        for (Verified v : cache.asMap().values()) {
            long used = v.lastUsedMillis;
            if (used > v.flushedMillis) {
                batch.merge(v.keyId, Instant.ofEpochMilli(used), (a, b) -> a.isAfter(b) ? a : b);
                flushed.put(v, used);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        store.touch(batch);
        flushed.forEach((v, used) -> v.flushedMillis = used);
        aside.forEach(unsaved::remove); // only what was written; a newer use noted meanwhile stays
    }

    private static DomainException refused(String message) {
        return DomainException.unauthenticated(message);
    }
}
