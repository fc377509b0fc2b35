package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** SPEC §9: never a secret in {@code details}. */
class AuditDetailsTest {
    @Test
    void a_detail_named_like_a_secret_is_refused() {
        for (String name : new String[] {"client_secret", "password", "refresh_token", "Credential"}) {
            assertThatThrownBy(() -> Audit.event(AuditType.APP_CHANGED).detail(name, "x"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
