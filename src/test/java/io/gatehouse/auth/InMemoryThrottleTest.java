package io.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryThrottleTest extends ThrottleContractTest {
    private InMemoryThrottle throttle;

    @Override
    Throttle throttle() {
        throttle = new InMemoryThrottle(POLICY, clock);
        return throttle;
    }

    @Override
    List<String> storedKeys() {
        return throttle.keys();
    }

    @Test
    void the_number_of_keys_is_bounded_however_many_forged_subjects_fail() {
        InMemoryThrottle t = new InMemoryThrottle(POLICY, clock, 1_000);
        for (int i = 0; i < 20_000; i++) {
            t.fail("forged-" + i, "10.0." + (i / 250) + "." + (i % 250));
        }
        assertThat(t.size()).isLessThanOrEqualTo(1_000);
    }
}
