package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditType;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's signing keys: HS256 secrets that sign API keys (only Gatehouse verifies them) and
 * key pairs that sign OAuth access tokens and id_tokens (anyone verifies them with the JWKS), of the
 * {@link SigningAlgorithm} the operator chose (RS256 unless GATEHOUSE_TOKEN_SIGNING_ALG says ES256 or
 * EdDSA). Keys of another algorithm, from before a change of setting, keep verifying. Generated on
 * first start, kept encrypted in the database, shared by every node. The newest key of a purpose
 * signs; older ones keep verifying until retired, so rotation never breaks a credential in flight.
 * A new key is published at once (every node reloads every {@link #RELOAD_PERIOD}) but only starts
 * signing after {@link #ACTIVATION_DELAY}, so by then every node can verify what it signs. A node that
 * meets a signature it cannot check also reloads at once (at most once a second).
 */
public final class SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private static final long RELOAD_INTERVAL_MILLIS = 1_000;
    public static final java.time.Duration RELOAD_PERIOD = java.time.Duration.ofSeconds(10);
    public static final java.time.Duration ACTIVATION_DELAY = java.time.Duration.ofSeconds(30);

    public enum Purpose {
        API_KEY("api-key", "HS256"),
        ACCESS_TOKEN("access-token", "RS256");

        final String wire;
        final String algorithm;

        Purpose(String wire, String algorithm) {
            this.wire = wire;
            this.algorithm = algorithm;
        }
    }

    /**
     * One usable key. {@code secret} is set for HS256 (API keys); {@code jwk} (with its private part) and
     * {@code algorithm} for access-token keys.
     */
    public record Key(String kid, Purpose purpose, byte[] secret, JWK jwk, SigningAlgorithm algorithm, Instant createdAt) {
        /** The JOSE name of the algorithm this key signs with. */
        public String algorithmName() {
            return algorithm == null ? purpose.algorithm : algorithm.jws().getName();
        }

        /** A Nimbus signer for this access-token key (thread-safe; callers cache it by kid). */
        public JWSSigner signer() {
            try {
                return algorithm.signer(jwk);
            } catch (JOSEException e) {
                throw new IllegalStateException("signing key " + kid + " cannot sign", e);
            }
        }

        /** A Nimbus verifier for this access-token key's public part, or null if it cannot be made. */
        public JWSVerifier verifier() {
            try {
                return algorithm.verifier(jwk);
            } catch (JOSEException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return "Key[" + kid + " " + purpose + "]";
        }
    }

    private final SigningKeyStore store;
    private final MasterKey master;
    private final Clock clock;
    private final SigningAlgorithm tokenAlgorithm;
    private final SecureRandom random = new SecureRandom();
    private volatile Map<Purpose, List<Key>> keys = new EnumMap<>(Purpose.class);
    private volatile long lastReload;
    /** One load at a time; a lock rather than {@code synchronized}, which would pin a virtual thread's carrier over JDBC. */
    private final java.util.concurrent.locks.ReentrantLock loading = new java.util.concurrent.locks.ReentrantLock();

    private final Audit audit;
    private final TokenSigners signers;
    /** An RS256 key pair made ahead for the first access-token key; used once, then null. */
    private java.util.concurrent.Future<java.security.KeyPair> spareRsaPair;
    /**
     * A new node's first access-token key while its pair is still being made: stored by a thread of its own when
     * the pair is ready, so the start does not wait for it; what needs the key waits ({@link #awaitFirstKey}).
     * Null once stored, or when there was none to make.
     */
    private volatile java.util.concurrent.Future<?> firstKey;
    private final java.util.concurrent.locks.ReentrantLock firstKeyWait = new java.util.concurrent.locks.ReentrantLock();

    public SigningKeys(SigningKeyStore store, MasterKey master, Clock clock, Audit audit) {
        this(store, master, clock, audit, SigningAlgorithm.RS256);
    }

    public SigningKeys(SigningKeyStore store, MasterKey master, Clock clock, Audit audit, SigningAlgorithm tokenAlgorithm) {
        this(store, master, clock, audit, tokenAlgorithm, null);
    }

    /**
     * As above; {@code firstRsaPair}, when set, is an RS256 key pair being made on another thread (a new node
     * makes it while its schema is created), used for the first access-token key if one must be generated.
     */
    public SigningKeys(SigningKeyStore store, MasterKey master, Clock clock, Audit audit, SigningAlgorithm tokenAlgorithm,
                       java.util.concurrent.Future<java.security.KeyPair> firstRsaPair) {
        this(store, master, clock, audit, tokenAlgorithm, firstRsaPair, null);
    }

    /** As above; {@code crypto}, when set, makes the RS256 and ES256 token signatures ({@link TokenSigners}). */
    public SigningKeys(SigningKeyStore store, MasterKey master, Clock clock, Audit audit, SigningAlgorithm tokenAlgorithm,
                       java.util.concurrent.Future<java.security.KeyPair> firstRsaPair, LibCrypto crypto) {
        this.signers = new TokenSigners(crypto);
        this.spareRsaPair = tokenAlgorithm == SigningAlgorithm.RS256 ? firstRsaPair : null;
        this.audit = audit;
        this.store = store;
        this.master = master;
        this.clock = clock;
        this.tokenAlgorithm = tokenAlgorithm;
        load();
        for (Purpose p : Purpose.values()) {
            if (signable(p).isEmpty()) {
                if (p == Purpose.ACCESS_TOKEN && spareRsaPair != null && !spareRsaPair.isDone()) {
                    // A new node: making an RS256 pair takes 0.1-0.5 s; serve meanwhile, tokens wait for it.
                    var later = new java.util.concurrent.FutureTask<>(() -> generate(Purpose.ACCESS_TOKEN));
                    firstKey = later;
                    Thread.ofPlatform().name("gatehouse-first-key").daemon().start(later);
                } else {
                    generate(p);
                }
            }
        }
    }

    /**
     * Returns once a new node's first access-token key is stored (at once, but for the first moments of a
     * node's first start). If storing it failed, one is made here, once, as without the pair made ahead.
     */
    private void awaitFirstKey() {
        if (firstKey == null) {
            return;
        }
        firstKeyWait.lock();
        try {
            var pending = firstKey;
            if (pending == null) {
                return;
            }
            try {
                pending.get();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("Storing the first access-token key failed ({}); making one now", e.getCause().toString());
                load();
                if (signable(Purpose.ACCESS_TOKEN).isEmpty()) {
                    generate(Purpose.ACCESS_TOKEN);
                }
            }
            firstKey = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the first access-token key was being made", e);
        } finally {
            firstKeyWait.unlock();
        }
    }

    /** The algorithm new access tokens and id_tokens are signed with. */
    public SigningAlgorithm tokenAlgorithm() {
        return tokenAlgorithm;
    }

    /**
     * The key that signs new credentials of this purpose: the newest one of the configured algorithm
     * published at least {@link #ACTIVATION_DELAY} ago, or, when there is none yet (a first start, or the
     * first start after a change of GATEHOUSE_TOKEN_SIGNING_ALG), the oldest of that algorithm.
     */
    public Key current(Purpose purpose) {
        awaitFirstKey();
        List<Key> list = signable(purpose);
        if (list.isEmpty()) {
            list = keys.get(purpose); // another node retired ours; sign with what there is until the next start
        }
        long cutoff = clock.millis() - ACTIVATION_DELAY.toMillis();
        for (Key k : list) {
            if (k.createdAt().toEpochMilli() <= cutoff) {
                return k;
            }
        }
        return list.get(list.size() - 1);
    }

    /** The keys of this purpose that this node signs with (access tokens: those of the configured algorithm). */
    private List<Key> signable(Purpose purpose) {
        List<Key> list = keys.get(purpose);
        if (purpose != Purpose.ACCESS_TOKEN) {
            return list;
        }
        return list.stream().filter(k -> k.algorithm() == tokenAlgorithm).toList();
    }

    /** The signer of this access-token key: libcrypto's where the node has it, else the JDK's (thread-safe, kept per key). */
    public JWSSigner signer(Key key) {
        return signers.of(key);
    }

    /** Who makes this node's token signatures (of the configured algorithm), for the start-up log. */
    public String signedBy() {
        return signers.description(tokenAlgorithm);
    }

    /** Reloads the keys from the database (run every {@link #RELOAD_PERIOD}). */
    public void reload() {
        load();
    }

    /** Every key that verifies credentials of this purpose, newest first. */
    public List<Key> verifying(Purpose purpose) {
        awaitFirstKey();
        return keys.get(purpose);
    }

    /**
     * Reloads from the database unless that was done (or tried) within the last second; true if the keys were
     * reloaded meanwhile (by this call, or by another that it waited for: one load serves every caller). A
     * failed attempt counts: with the database away each would wait for the pool's timeout, so tokens no
     * loaded key checks cost at most one such wait a second, not one each.
     */
    public boolean reloadIfStale() {
        long seen = lastReload;
        if (clock.millis() - seen < RELOAD_INTERVAL_MILLIS) {
            return false;
        }
        loading.lock();
        try {
            if (lastReload != seen) {
                return true; // another caller loaded (or tried to) while this one waited
            }
            lastReload = clock.millis();
            load();
            return true;
        } finally {
            loading.unlock();
        }
    }

    /** Publishes a new signing key for this purpose; it signs after the activation delay, the old ones keep verifying. */
    public Key rotate(Purpose purpose) {
        awaitFirstKey();
        String kid = audit.inTransaction(() -> {
            String k = insertNew(purpose);
            audit.record(Audit.event(AuditType.SIGNING_KEY_ROTATED).detail("kid", k).detail("purpose", purpose.wire));
            return k;
        });
        load();
        return keys.get(purpose).stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
    }

    /** How long past the longest token's life a replaced key still verifies: room for clocks that differ between nodes. */
    public static final java.time.Duration RETIREMENT_MARGIN = java.time.Duration.ofMinutes(5);

    /**
     * Retires the access-token keys that no unexpired token can carry: those a newer key replaced (it
     * signs from its creation plus {@link #ACTIVATION_DELAY}) longer ago than {@code longestToken} plus a
     * margin. A retired key no longer verifies and leaves the JWKS. API-key keys never retire here: an
     * API key may live forever. Each retirement is an audit event ({@code signing_key.retired}, actor
     * {@code system}). Safe on many nodes at once; returns the kids this call retired.
     */
    public List<String> retireReplaced(java.time.Duration longestToken) {
        awaitFirstKey();
        Instant now = clock.instant();
        Instant replacedBefore = now.minus(longestToken).minus(ACTIVATION_DELAY).minus(RETIREMENT_MARGIN);
        String purpose = Purpose.ACCESS_TOKEN.wire;
        List<String> retired = audit.inTransaction(() -> {
            List<String> kids = store.retireReplacedBefore(purpose, replacedBefore, now);
            kids.forEach(kid -> audit.record(Audit.event(AuditType.SIGNING_KEY_RETIRED).actor("system")
                    .detail("kid", kid).detail("purpose", purpose)));
            return kids;
        });
        if (!retired.isEmpty()) {
            LOG.info("Retired {} signing key(s) no unexpired token can carry: {}", purpose, retired);
            load();
        }
        return retired;
    }

    /** Every usable key of every purpose, newest first, for the admin API. */
    public List<Key> all() {
        awaitFirstKey();
        List<Key> out = new ArrayList<>();
        for (Purpose p : Purpose.values()) {
            out.addAll(keys.get(p));
        }
        return out;
    }

    public static Purpose purpose(String wire) {
        for (Purpose p : Purpose.values()) {
            if (p.wire.equals(wire)) {
                return p;
            }
        }
        return null;
    }

    public static String wire(Purpose p) {
        return p.wire;
    }

    /** The public JWK set of the access-token keys (every algorithm still verifying), for {@code /.well-known/jwks.json}. */
    public JWKSet publicJwks() {
        awaitFirstKey();
        List<JWK> pub = new ArrayList<>();
        for (Key k : keys.get(Purpose.ACCESS_TOKEN)) {
            pub.add(k.jwk().toPublicJWK());
        }
        return new JWKSet(pub);
    }

    private Key generate(Purpose purpose) {
        String kid = insertNew(purpose);
        load();
        return keys.get(purpose).stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
    }

    /** Generates and stores a new key of this purpose; returns its kid. */
    private String insertNew(Purpose purpose) {
        String kid = newKid();
        Instant now = clock.instant();
        byte[] secret;
        String publicJwk = null;
        String algorithm = purpose.algorithm;
        if (purpose == Purpose.API_KEY) {
            secret = new byte[32];
            random.nextBytes(secret);
        } else {
            java.security.KeyPair ahead = takeSpareRsaPair();
            JWK jwk = ahead != null ? tokenAlgorithm.rsaJwk(kid, ahead) : tokenAlgorithm.generate(kid);
            secret = jwk.toJSONString().getBytes(StandardCharsets.UTF_8);
            publicJwk = jwk.toPublicJWK().toJSONString();
            algorithm = tokenAlgorithm.jws().getName();
        }
        store.insert(new SigningKeyStore.StoredKey(kid, purpose.wire, algorithm,
                master.encrypt(secret, kid), publicJwk, now, null));
        LOG.info("Generated a new {} {} signing key, kid {}", algorithm, purpose.wire, kid);
        return kid;
    }

    /** The key pair made ahead, or null when there is none (or making it failed: then one is made here). */
    private java.security.KeyPair takeSpareRsaPair() {
        java.util.concurrent.Future<java.security.KeyPair> f = spareRsaPair;
        spareRsaPair = null;
        if (f == null) {
            return null;
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        }
    }

    private void load() {
        loading.lock();
        try {
            loadLocked();
        } finally {
            loading.unlock();
        }
    }

    private void loadLocked() {
        Map<Purpose, List<Key>> loaded = new EnumMap<>(Purpose.class);
        for (Purpose p : Purpose.values()) {
            loaded.put(p, new ArrayList<>());
        }
        for (SigningKeyStore.StoredKey s : store.usable()) {
            Purpose purpose = null;
            for (Purpose p : Purpose.values()) {
                if (p.wire.equals(s.purpose())) {
                    purpose = p;
                }
            }
            if (purpose == null) {
                continue;
            }
            byte[] secret = master.decrypt(s.secretEnc(), s.kid());
            JWK jwk = null;
            SigningAlgorithm algorithm = null;
            if (purpose == Purpose.ACCESS_TOKEN) {
                // Keys from before GATEHOUSE_TOKEN_SIGNING_ALG existed say RS256 in the same column.
                algorithm = SigningAlgorithm.parse(s.algorithm());
                if (algorithm == null) {
                    LOG.warn("Signing key {} has an algorithm this version does not know ({}); it is skipped", s.kid(), s.algorithm());
                    continue;
                }
                try {
                    jwk = algorithm.parseJwk(new String(secret, StandardCharsets.UTF_8));
                } catch (ParseException e) {
                    throw new IllegalStateException("stored signing key " + s.kid() + " is not a valid JWK", e);
                } finally {
                    java.util.Arrays.fill(secret, (byte) 0);
                }
                secret = null;
            }
            loaded.get(purpose).add(new Key(s.kid(), purpose, secret, jwk, algorithm, s.createdAt()));
        }
        Map<Purpose, List<Key>> frozen = new EnumMap<>(Purpose.class);
        loaded.forEach((p, l) -> frozen.put(p, List.copyOf(l)));
        keys = frozen;
        signers.keepOnly(frozen.get(Purpose.ACCESS_TOKEN).stream().map(Key::kid).toList());
        lastReload = clock.millis();
    }

    private String newKid() {
        byte[] b = new byte[9];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
