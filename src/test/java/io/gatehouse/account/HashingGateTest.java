package io.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.DomainException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 *v2* "Bounded work": argon2id (19 MiB each) runs at most a fixed number at a time; beyond a
 * short wait the caller is told to come back (503 with Retry-After), and unknown emails cost a hash too.
 * The gate is held by the test itself: no timing.
 */
class HashingGateTest {
    private final HashingGate gate = new HashingGate(1, Duration.ZERO);
    private final PasswordHasher hasher = new PasswordHasher(1024, 1, 1, gate);

    @Test
    void the_size_fits_the_machine() {
        assertThat(HashingGate.forThisMachine().permits()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    @Test
    void beyond_the_permits_hashing_and_verifying_are_refused_as_unavailable_with_a_retry_time() {
        String stored = hasher.hash("correct horse");
        try (HashingGate.Permit held = gate.enter()) {
            assertThatThrownBy(() -> hasher.verify("correct horse", stored))
                    .isInstanceOfSatisfying(DomainException.class, e -> {
                        assertThat(e.kind()).isEqualTo(DomainException.Kind.UNAVAILABLE);
                        assertThat(e.retryAfterSeconds()).isPositive();
                    });
            assertThatThrownBy(() -> hasher.hash("another one")).isInstanceOf(DomainException.class);
        }
        assertThat(hasher.verify("correct horse", stored)).isTrue();
    }

    @Test
    void a_permit_is_given_back_even_when_hashing_fails() {
        assertThat(hasher.verify("x", "$argon2id$v=19$m=1,t=1,p=1$AA$AA")).isFalse();
        try (HashingGate.Permit p = gate.enter()) {
            assertThat(p).isNotNull();
        }
    }

    @Test
    void logging_in_with_an_unknown_email_costs_a_hash_like_a_known_one() {
        // A store that knows no one (a proxy, so that new store methods do not break this test).
        AccountStore none = (AccountStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AccountStore.class},
                (proxy, method, args) -> method.getReturnType() == Optional.class ? Optional.empty() : null);
        Accounts accounts = new Accounts(none, hasher, null, null, io.gatehouse.audit.Audit.inMemory(java.time.Clock.systemUTC()));
        try (HashingGate.Permit held = gate.enter()) {
            assertThatThrownBy(() -> accounts.login("nobody@example.com", "whatever"))
                    .isInstanceOf(DomainException.class);
        }
        assertThat(accounts.login("nobody@example.com", "whatever")).isEmpty();
    }
}
