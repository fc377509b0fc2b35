package io.gatehouse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.account.HashingGate;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Overload 503s are expected under load and cheap for an attacker to cause, so they must not write a log
 * line each: one WARN line per period with the count of the others (the access log keeps every one).
 * Time is a counter the test moves.
 */
class OverloadLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("test.overload." + System.nanoTime());
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final OverloadLog log = new OverloadLog(logger, Duration.ofSeconds(10), nanos::get);

    {
        lines.start();
        logger.addAppender(lines);
        logger.setAdditive(false);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void a_flood_of_overload_answers_writes_one_warn_line_per_period_with_the_count_of_the_others() {
        for (int i = 0; i < 1000; i++) {
            log.answered("r" + i, "POST", "/admin/v1/accounts", "Too many sign-ins at once");
            nanos.addAndGet(Duration.ofMillis(9).toNanos()); // 1000 × 9 ms = 9 s: all in the first period
        }
        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getFormattedMessage()).contains("request r0 POST /admin/v1/accounts answered 503");

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        log.answered("r1000", "POST", "/oauth/token", "Too many sign-ins at once");
        log.answered("r1001", "POST", "/oauth/token", "Too many sign-ins at once");
        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(1).getFormattedMessage()).contains("request r1000").contains("999 more overload 503s");
        assertThat(lines.list).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getThrowableProxy()).isNull();
        });

        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        log.answered("r1002", "GET", "/v1.0/me", "Too many sign-ins at once");
        assertThat(lines.list.get(2).getFormattedMessage()).contains("request r1002").contains("1 more");
    }

    @Test
    void a_busy_hashing_gate_is_an_overload_503_with_retry_after_but_an_unreachable_database_is_not() {
        HashingGate gate = new HashingGate(1, Duration.ZERO);
        DomainException busy;
        try (HashingGate.Permit held = gate.enter()) {
            busy = catchThrowableOfType(DomainException.class, gate::enter);
        }
        ApiException answer = ApiException.of(busy);
        assertThat(answer.overloaded()).isTrue();
        assertThat(answer.error()).isEqualTo(ApiError.SERVICE_UNAVAILABLE);
        assertThat(answer.headers()).containsEntry("Retry-After", "1");

        DomainException away = new io.gatehouse.store.StoreException(io.gatehouse.store.StoreException.Failure.UNAVAILABLE,
                new java.sql.SQLTransientConnectionException("connection refused", "08001")).toDomain();
        assertThat(ApiException.of(away).overloaded()).as("a dependency that is away is logged as before").isFalse();
        assertThat(ApiException.of(away).error()).isEqualTo(ApiError.SERVICE_UNAVAILABLE);
    }
}
