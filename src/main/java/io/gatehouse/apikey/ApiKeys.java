package io.gatehouse.apikey;

import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import io.gatehouse.auth.CredentialVerifier;
import io.gatehouse.auth.Principal;
import io.gatehouse.auth.Secrets;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.RevocationBus;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.token.SigningKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys: creating, listing, revoking, and authenticating requests that carry one.
 *
 * <p>Authentication is on every request, so a key's signature is checked once per node and the
 * result cached by the key's text. A cache hit costs one map lookup plus the two checks that keep
 * the cache exact: the key's id against the set of revoked ids (revocation is immediate) and its
 * expiry against the clock (expiry is exact). The hit path allocates nothing; {@code last_used_at}
 * is noted in the cached entry and written to the database in batches by {@link #flushLastUsed}.
 */
public final class ApiKeys implements CredentialVerifier {
    public static final int MAX_ACTIVE_KEYS = 10;
    private static final int MAX_CACHED = 100_000;

    private final ApiKeyStore store;
    private final SigningKeys signingKeys;
    private final IdGenerator ids;
    private final Clock clock;
    private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();
    private final Set<Long> revoked = ConcurrentHashMap.newKeySet();
    private final List<java.util.function.LongConsumer> revocationListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

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

    private final RevocationBus bus;
    private final Audit audit;

    public ApiKeys(ApiKeyStore store, SigningKeys signingKeys, IdGenerator ids, Clock clock, RevocationBus bus, Audit audit) {
        this.bus = bus;
        this.audit = audit;
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
            if (!store.insertIfUnderLimit(record, Secrets.sha256(key), MAX_ACTIVE_KEYS, now)) {
                throw DomainException.conflict("An account may have at most " + MAX_ACTIVE_KEYS
                        + " active API keys; revoke one first.");
            }
            audit.record(Audit.event(AuditType.KEY_CREATED).account(accountId).detail("key_id", id)
                    .detail("name", name).detail("expires_at", expiresAt == null ? null : expiresAt.toString()));
        });
        return new Created(record, key);
    }

    /** The account's keys, newest first, with this node's latest use folded in. */
    public List<ApiKey> list(long accountId) {
        Map<Long, Long> local = new HashMap<>();
        for (Verified v : cache.values()) {
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
     * Revokes the key; the very next request with it is refused, and so is every token an app got with
     * it as {@code customer_key} (through the listeners). Returns the key as it now stands.
     */
    public ApiKey revoke(ApiKey key) {
        boolean revokedNow = audit.inTransaction(() -> {
            boolean r = store.revoke(key.id(), clock.instant());
            if (r) {
                audit.record(Audit.event(AuditType.KEY_REVOKED).account(key.accountId()).detail("key_id", key.id())
                        .detail("name", key.name()));
            }
            return r;
        });
        if (revokedNow) {
            bus.publish(Revocation.apiKey(key.id()));
            revocationListeners.forEach(l -> l.accept(key.id()));
        }
        return store.byId(key.id()).orElseThrow();
    }

    /** Called with the id of each key this node revokes. */
    public void onRevoke(java.util.function.LongConsumer listener) {
        revocationListeners.add(listener);
    }

    /** Drops a revoked key from this node's cache; called locally and by the revocation bus. */
    public void forget(long keyId) {
        revoked.add(keyId);
    }

    /** SPEC §2, §4: {@code Authorization: token <key>} → the key's account, acting as itself. */
    @Override
    public Principal verify(String key) {
        Verified v = cache.get(key);
        long now = clock.millis();
        if (v == null) {
            v = load(key);
        }
        if (revoked.contains(v.keyId)) {
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
            revoked.add(record.id());
        }
        Principal principal = Principal.of(record.accountId(), Principal.Kind.API_KEY, Long.toString(record.id()),
                null, null, record.expiresAt());
        Verified v = new Verified(record.id(), record.expiresAt(), principal);
        if (record.lastUsedAt() != null) {
            v.flushedMillis = record.lastUsedAt().toEpochMilli();
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
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

    /** Writes the uses noted since the last flush; run every few seconds and at shutdown. */
    public void flushLastUsed() {
        Map<Long, Instant> batch = new HashMap<>();
        Map<Verified, Long> flushed = new HashMap<>();
        for (Verified v : cache.values()) {
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
    }

    private static DomainException refused(String message) {
        return DomainException.unauthenticated(message);
    }
}
