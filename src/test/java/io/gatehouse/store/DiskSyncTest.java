package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The embedded database's once-a-second sync to disk: when it keeps failing, operators see it in readiness
 * ({@code "disk": "down"}) and in metrics, and the log says so once, then once a minute, then once when it
 * works again — not a stack trace a second.
 */
class DiskSyncTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("test.disksync." + System.nanoTime());
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

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
    void a_sync_that_keeps_failing_logs_once_then_once_a_minute_then_once_when_it_works_again() {
        AtomicBoolean fail = new AtomicBoolean(true);
        DiskSync sync = new DiskSync(() -> {
            if (fail.get()) {
                throw new SQLException("No space left on device");
            }
        }, logger);

        for (int second = 1; second <= 150; second++) {
            sync.run();
        }
        assertThat(sync.failing()).isTrue();
        assertThat(sync.failures()).isEqualTo(150);
        assertThat(lines.list).hasSize(3);
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
        assertThat(lines.list.get(0).getThrowableProxy().getMessage()).isEqualTo("No space left on device");
        assertThat(lines.list.get(1).getFormattedMessage()).contains("60 times in a row", "No space left on device");
        assertThat(lines.list.get(1).getThrowableProxy()).isNull();
        assertThat(lines.list.get(2).getFormattedMessage()).contains("120 times in a row");

        fail.set(false);
        sync.run();
        sync.run();
        assertThat(sync.failing()).isFalse();
        assertThat(sync.failures()).isEqualTo(150);
        assertThat(lines.list).hasSize(4);
        assertThat(lines.list.get(3).getLevel()).isEqualTo(Level.INFO);
        assertThat(lines.list.get(3).getFormattedMessage()).contains("works again", "after 150 failed attempts");
    }

    @Test
    void the_embedded_database_reports_a_failing_sync_to_readiness_and_metrics_until_it_works_again() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        String url = "jdbc:h2:file:" + Files.createTempDirectory("gh-sync-").resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (Database db = Database.open(url, "sa", "", metrics)) {
            db.syncNow();
            assertThat(db.syncsToDisk()).isTrue();
            assertThat(metrics.get("gatehouse.db.sync.failing").gauge().value()).isZero();

            db.syncWith(() -> {
                throw new SQLException("Input/output error");
            });
            db.syncNow();
            assertThat(db.syncsToDisk()).isFalse();
            assertThat(metrics.get("gatehouse.db.sync.failing").gauge().value()).isEqualTo(1);
            assertThat(metrics.get("gatehouse.db.sync.failures").functionCounter().count()).isEqualTo(1);

            db.syncWith(null);
            db.syncNow();
            assertThat(db.syncsToDisk()).isTrue();
            assertThat(metrics.get("gatehouse.db.sync.failing").gauge().value()).isZero();
        }
    }
}
