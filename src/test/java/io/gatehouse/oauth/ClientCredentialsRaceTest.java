package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.account.Account;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.PasswordHasher;
import io.gatehouse.account.Role;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.JdbcApiKeyStore;
import io.gatehouse.app.App;
import io.gatehouse.app.JdbcAppStore;
import io.gatehouse.audit.Audit;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.lifecycle.Lifecycle;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabase;
import io.gatehouse.token.JdbcSigningKeyStore;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.SigningKeys;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/security.md: {@code client_credentials} checks its {@code customer_key}, then writes the grant in a later
 * (group) commit. A key revoked, or its account disabled or deleted, in between must leave no live grant and the
 * request must get {@code invalid_grant}; a grant committed first must be ended by the revocation. The window is
 * opened deterministically by {@link ClientCredentialsGrant#keyChecked}, which runs between the two. On both databases.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ClientCredentialsRaceTest {
    @Parameter
    Backend backend;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestDatabase t;
    private IdGenerator ids;
    private Audit audit;
    private ApiKeys apiKeys;
    private JdbcGrantStore grants;
    private Tokens tokens;
    private ClientCredentialsGrant grant;
    private Lifecycle lifecycle;
    private long account;
    private App app;
    private final Hold revocationHold = new Hold();
    private final Hold grantHold = new Hold();

    /** A point inside a transaction where a test can hold it open (with its locks) until it lets it go. */
    private static final class Hold {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        void hold() {
            if (armed) {
                armed = false;
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @BeforeEach
    void wire() throws Exception {
        t = TestDatabase.open(backend);
        ids = new IdGenerator(clock);
        audit = new AuditModule(t.jdbc, ids, clock).audit;
        Revocations revocations = Revocations.onOneNode(t.jdbc, clock);
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(t.jdbc),
                MasterKey.of(null, Files.createTempDirectory("gh-keys-")), clock, audit);
        apiKeys = new ApiKeys(new JdbcApiKeyStore(t.jdbc), keys, ids, clock, revocations, audit)
                .followingRevocations();
        grants = new JdbcGrantStore(t.jdbc);
        new Authorizations(grants, null, revocations, clock, audit).endGrantsWithTheirApiKey();
        // After the key's grants were ended, still in the revocation's transaction: a test may hold it open there.
        revocations.cascade(Revocation.Kind.API_KEY, (k, ended) -> revocationHold.hold());
        // Right after the key's row was locked, still in the grant's transaction: a test may hold it open there.
        GrantStore held = (GrantStore) Proxy.newProxyInstance(GrantStore.class.getClassLoader(), new Class<?>[] {GrantStore.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(grants, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("createGrantOfLiveKey")) {
                        grantHold.hold();
                    }
                    return result;
                });
        Issuer issuer = new Issuer();
        issuer.set("https://auth.example.com");
        tokens = new Tokens(new TokenIssuer(keys, issuer, clock, Duration.ofHours(1), Duration.ofDays(30)), held, ids, clock,
                audit, revocations, Duration.ofDays(365));
        grant = new ClientCredentialsGrant(tokens, apiKeys);
        Accounts accounts = new Accounts(new JdbcAccountStore(t.jdbc), new PasswordHasher(), ids, clock, audit);
        lifecycle = new Lifecycle(t.jdbc, revocations, accounts, clock, audit);

        account = ids.next();
        new JdbcAccountStore(t.jdbc).insert(new Account(account, "ann@example.com", "Ann", "Lee", Role.USER, clock.instant()), "h");
        app = new App("gthc_app", account, "CRM", "", App.ClientType.CONFIDENTIAL, "x", List.of("https://a.example.com/cb"),
                List.of("leads.read"), null, App.Mode.DEVELOPMENT, App.ReviewStatus.DRAFT, null, null, false, Set.of(),
                clock.instant(), clock.instant(), 0);
        new JdbcAppStore(t.jdbc).insert(app, 20);
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void a_key_revoked_between_its_check_and_the_grants_commit_gives_invalid_grant_and_no_live_grant() {
        ApiKeys.Created key = apiKeys.create(account, "ci", null, null);
        grant.keyChecked = () -> apiKeys.revoke(key.record());

        assertThatThrownBy(() -> grant.handle(app, Map.of("customer_key", key.key())))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));

        assertThat(liveGrantsOf(key.record().id())).as("a grant made with the revoked key").isZero();
        assertThat(events("authorization.granted")).isZero();
    }

    @Test
    void an_account_disabled_between_the_key_check_and_the_grants_commit_gives_invalid_grant_and_no_live_grant() {
        ApiKeys.Created key = apiKeys.create(account, "ci", null, null);
        grant.keyChecked = () -> lifecycle.changeAccount(account, new Accounts.Change(null, null, null, null, true));

        assertThatThrownBy(() -> grant.handle(app, Map.of("customer_key", key.key())))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));

        assertThat(liveGrantsOf(key.record().id())).as("a grant of the disabled account").isZero();
        assertThat(t.jdbc.count("SELECT COUNT(*) FROM grants WHERE account_id = ? AND revoked_at IS NULL", account)).isZero();
    }

    @Test
    void an_account_deleted_between_the_key_check_and_the_grants_commit_gives_invalid_grant_and_no_live_grant() {
        App other = otherAccountsApp();
        ApiKeys.Created key = apiKeys.create(account, "ci", null, null);
        grant.keyChecked = () -> lifecycle.deleteAccount(account);

        assertThatThrownBy(() -> grant.handle(other, Map.of("customer_key", key.key())))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));

        assertThat(liveGrantsOf(key.record().id())).as("a grant of the deleted account").isZero();
    }

    @Test
    void a_grant_committed_before_the_key_was_revoked_is_ended_by_the_revocation() {
        ApiKeys.Created key = apiKeys.create(account, "ci", null, null);
        TokenResponse r = grant.handle(app, Map.of("customer_key", key.key()));
        assertThat(introspectionActive(r)).isTrue();

        apiKeys.revoke(key.record());

        assertThat(introspectionActive(r)).isFalse();
        assertThat(liveGrantsOf(key.record().id())).isZero();
    }

    @Test
    void a_grant_committed_before_the_account_was_disabled_is_ended_by_the_disabling() {
        ApiKeys.Created key = apiKeys.create(account, "ci", null, null);
        TokenResponse r = grant.handle(app, Map.of("customer_key", key.key()));
        assertThat(introspectionActive(r)).isTrue();

        lifecycle.changeAccount(account, new Accounts.Change(null, null, null, null, true));

        assertThat(introspectionActive(r)).isFalse();
        assertThat(liveGrantsOf(key.record().id())).isZero();
    }

    /**
     * A group commit runs several grants in one transaction (GroupCommit joins a transaction already under way, as
     * the group's own is here, batched as a group's is): the grant whose key was revoked since its check is refused,
     * alone; the other grant of the same transaction commits and works.
     */
    @Test
    void in_one_group_only_the_grant_whose_key_was_revoked_is_refused() {
        ApiKeys.Created live = apiKeys.create(account, "live", null, null);
        ApiKeys.Created revoked = apiKeys.create(account, "revoked", null, null);
        apiKeys.revoke(revoked.record()); // after its (imagined) check: newGrant is what runs after the check

        TokenResponse[] ok = new TokenResponse[1];
        t.jdbc.inTransaction(() -> {
            t.jdbc.batched(() -> {
                assertThatThrownBy(() -> tokens.newGrant(app, account, "client_credentials", List.of("leads.read"), revoked.record().id()))
                        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
                ok[0] = tokens.newGrant(app, account, "client_credentials", List.of("leads.read"), live.record().id());
            });
            return null;
        });

        assertThat(liveGrantsOf(revoked.record().id())).isZero();
        assertThat(liveGrantsOf(live.record().id())).isOne();
        assertThat(introspectionActive(ok[0])).isTrue();
        assertThat(events("authorization.granted")).isOne();
    }

    /**
     * The key's row stands for its account: disabling and deleting revoke every key of the account, so a key live at
     * the grant's commit means a live account. That holds only if no key is made for an account disabled meanwhile:
     * the admin endpoint checks the account first, then creates the key (check, then act); the creation itself must
     * refuse an account disabled or deleted since.
     */
    @Test
    void no_key_is_made_for_an_account_disabled_or_deleted_since_it_was_checked_so_none_gives_it_a_grant() {
        lifecycle.changeAccount(account, new Accounts.Change(null, null, null, null, true));
        assertThatThrownBy(() -> apiKeys.create(account, "late", null, null))
                .isInstanceOfSatisfying(io.gatehouse.core.DomainException.class, e -> assertThat(e.getMessage()).contains("disabled"));
        lifecycle.deleteAccount(account);
        assertThatThrownBy(() -> apiKeys.create(account, "later", null, null))
                .isInstanceOf(io.gatehouse.core.DomainException.class);
        assertThat(t.jdbc.count("SELECT COUNT(*) FROM api_keys WHERE account_id = ? AND revoked_at IS NULL", account)).isZero();
    }

    /**
     * The two transactions overlap: the revocation has updated the key's row and ended its grants but not committed
     * when the grant, whose key check passed (this node has not heard of the revocation yet), reaches its commit. The
     * grant must wait for the revocation and then be refused.
     */
    @Test
    void a_grant_reaching_its_commit_while_the_keys_revocation_is_uncommitted_waits_and_is_refused() throws Exception {
        ApiKeys.Created key = apiKeys.create(account, "ci", null, null);
        assertThat(apiKeys.verify(key.key()).accountId()).isEqualTo(account); // cached as live
        revocationHold.armed = true;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> revoking = threads.submit(() -> apiKeys.revoke(key.record()));
            revocationHold.reached.await();
            Future<TokenResponse> granting = threads.submit(() -> grant.handle(app, Map.of("customer_key", key.key())));
            try {
                awaitBlockedOrDone(granting);
            } finally {
                revocationHold.release.countDown();
            }
            revoking.get();
            assertThatThrownBy(granting::get).cause()
                    .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
        }
        assertThat(liveGrantsOf(key.record().id())).isZero();
    }

    /**
     * The other way round: the grant has locked its key's row but not committed when the key is revoked. The
     * revocation must wait for the grant's commit and then end it.
     */
    @Test
    void a_revocation_reaching_the_key_while_a_grant_with_it_is_uncommitted_waits_and_ends_the_grant() throws Exception {
        ApiKeys.Created key = apiKeys.create(account, "ci", null, null);
        grantHold.armed = true;
        TokenResponse r;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<TokenResponse> granting = threads.submit(() -> grant.handle(app, Map.of("customer_key", key.key())));
            grantHold.reached.await();
            Future<?> revoking = threads.submit(() -> apiKeys.revoke(key.record()));
            try {
                awaitBlockedOrDone(revoking);
            } finally {
                grantHold.release.countDown();
            }
            r = granting.get();
            revoking.get();
        }
        assertThat(introspectionActive(r)).as("the grant committed before the revocation").isFalse();
        assertThat(liveGrantsOf(key.record().id())).isZero();
    }

    /** Until {@code f} is done or some transaction of this test's database waits for a row lock (no sleeps). */
    private void awaitBlockedOrDone(Future<?> f) {
        String waiting = backend == Backend.POSTGRES
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                : "SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL";
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!f.isDone() && t.jdbc.count(waiting) == 0) {
            assertThat(System.nanoTime()).as("the second transaction waits or ends").isLessThan(deadline);
            Thread.yield();
        }
    }

    /** An approved app of another account, so that deleting {@link #account} (and its own apps) leaves the client. */
    private App otherAccountsApp() {
        long owner = ids.next();
        new JdbcAccountStore(t.jdbc).insert(new Account(owner, "bob@example.com", "Bob", "Roe", Role.USER, clock.instant()), "h");
        App other = new App("gthc_other", owner, "ERP", "", App.ClientType.CONFIDENTIAL, "x", List.of("https://b.example.com/cb"),
                List.of("leads.read"), null, App.Mode.PRODUCTION, App.ReviewStatus.APPROVED, null, null, false, Set.of(),
                clock.instant(), clock.instant(), 0);
        new JdbcAppStore(t.jdbc).insert(other, 20);
        return other;
    }

    /** What introspection answers for the token ({@code active}): its grant live and its jti not revoked. */
    private boolean introspectionActive(TokenResponse r) {
        try {
            JWTClaimsSet claims = SignedJWT.parse(r.accessToken()).getJWTClaimsSet();
            return !grants.isRevoked(claims.getLongClaim(TokenIssuer.GRANT_CLAIM), claims.getJWTID());
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private long liveGrantsOf(long apiKeyId) {
        return t.jdbc.count("SELECT COUNT(*) FROM grants WHERE api_key_id = ? AND revoked_at IS NULL", apiKeyId);
    }

    private long events(String type) {
        return t.jdbc.count("SELECT COUNT(*) FROM audit_events WHERE type = ?", type);
    }
}
