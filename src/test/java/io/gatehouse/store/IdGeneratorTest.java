package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {
    @Test
    void ids_fit_in_a_javascript_number_and_increase_even_within_one_millisecond() {
        Clock frozen = Clock.fixed(Instant.parse("2090-12-31T23:59:59Z"), ZoneOffset.UTC);
        IdGenerator ids = new IdGenerator(frozen);
        long previous = 0;
        for (int i = 0; i < 10_000; i++) {
            long id = ids.next();
            assertThat(id).isGreaterThan(previous).isLessThanOrEqualTo(IdGenerator.MAX_ID);
            previous = id;
        }
    }

    @Test
    void ids_from_later_times_sort_after_earlier_ones() {
        long early = new IdGenerator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).next();
        long late = new IdGenerator(Clock.fixed(Instant.parse("2026-01-01T00:00:01Z"), ZoneOffset.UTC)).next();
        assertThat(late).isGreaterThan(early);
    }

    @Test
    void the_low_bits_are_drawn_from_all_twelve_bits() {
        // One id per millisecond, so each id's low bits are its draw; 400 draws all below 2048 has odds 2^-400.
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        IdGenerator ids = new IdGenerator(clock);
        int highest = 0;
        for (int i = 0; i < 400; i++) {
            clock.advance(Duration.ofMillis(1));
            highest = Math.max(highest, (int) (ids.next() & 0xFFF));
        }
        assertThat(highest).isGreaterThanOrEqualTo(1 << 11);
    }
}
