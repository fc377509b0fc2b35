package io.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void a_hash_is_argon2id_in_phc_format_and_verifies_only_its_password() {
        String hash = hasher.hash("correct horse battery");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("correct horse");
        assertThat(hasher.verify("correct horse battery", hash)).isTrue();
        assertThat(hasher.verify("correct horse battery!", hash)).isFalse();
    }

    @Test
    void the_same_password_hashes_differently_each_time() {
        assertThat(hasher.hash("same password")).isNotEqualTo(hasher.hash("same password"));
    }

    @Test
    void a_malformed_stored_hash_never_matches() {
        assertThat(hasher.verify("x", "")).isFalse();
        assertThat(hasher.verify("x", "$argon2i$v=19$m=1,t=1,p=1$AA$AA")).isFalse();
        assertThat(hasher.verify("x", "$argon2id$v=19$m=zz,t=1,p=1$AA$AA")).isFalse();
    }

    @Test
    void hashes_made_with_other_parameters_still_verify() {
        String cheap = new PasswordHasher(1024, 1, 1).hash("pw-from-an-older-setting");
        assertThat(hasher.verify("pw-from-an-older-setting", cheap)).isTrue();
    }
}
