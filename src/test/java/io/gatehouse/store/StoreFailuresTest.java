package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.gatehouse.store.StoreException.Failure;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.FaultProxy;
import io.gatehouse.testing.TestDatabases;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each database failure is sorted by its SQLSTATE into the kind the edge answers by, on both databases:
 * unreachable (503), a refused write (409 or 400), anything else (500). The database is reached through a
 * {@link FaultProxy}, so the test can make it unreachable.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class StoreFailuresTest {
    @Parameter
    Backend backend;

    private Server h2;
    private String pgUrl;
    private FaultProxy proxy;
    private Database db;
    private Jdbc jdbc;

    @BeforeEach
    void open() throws Exception {
        if (backend == Backend.POSTGRES) {
            pgUrl = TestDatabases.create();
            URI pg = URI.create(pgUrl.substring("jdbc:".length()));
            proxy = new FaultProxy(pg.getHost(), pg.getPort());
            db = Database.open(pgUrl.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + proxy.port()), null, null, null);
        } else {
            h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
            proxy = new FaultProxy("127.0.0.1", h2.getPort());
            db = Database.open("jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/mem:f" + UUID.randomUUID().toString().replace("-", "")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1", "sa", "", null);
        }
        jdbc = new Jdbc(db);
        jdbc.update("CREATE TABLE probe_parent (id BIGINT PRIMARY KEY)");
        jdbc.update("CREATE TABLE probe (id BIGINT PRIMARY KEY, parent BIGINT REFERENCES probe_parent (id),"
                + " name VARCHAR(5) NOT NULL, n INT CHECK (n > 0))");
        jdbc.update("INSERT INTO probe_parent (id) VALUES (1)");
        jdbc.update("INSERT INTO probe (id, parent, name, n) VALUES (1, 1, 'a', 1)");
    }

    @AfterEach
    void close() {
        db.close();
        proxy.close();
        if (h2 != null) {
            h2.stop();
        }
        if (pgUrl != null) {
            TestDatabases.drop(pgUrl);
        }
    }

    private static StoreException failure(Executable statement) {
        StoreException e = catchThrowableOfType(StoreException.class, statement::execute);
        assertThat(e).as("a StoreException").isNotNull();
        return e;
    }

    @Test
    void a_duplicate_key_is_a_conflict() {
        StoreException e = failure(() -> jdbc.update("INSERT INTO probe (id, parent, name, n) VALUES (1, 1, 'b', 1)"));
        assertThat(e).isInstanceOf(DuplicateException.class);
        assertThat(e.failure()).isEqualTo(Failure.CONFLICT);
        assertThat(e.toDomain().kind()).isEqualTo(io.gatehouse.core.DomainException.Kind.CONFLICT);
    }

    @Test
    void a_reference_to_a_missing_row_is_a_conflict() {
        assertThat(failure(() -> jdbc.update("INSERT INTO probe (id, parent, name, n) VALUES (2, 99, 'b', 1)")).failure())
                .isEqualTo(Failure.CONFLICT);
    }

    @Test
    void a_missing_value_a_failed_check_and_a_value_too_long_are_invalid() {
        assertThat(failure(() -> jdbc.update("INSERT INTO probe (id, parent, name, n) VALUES (2, 1, NULL, 1)")).failure())
                .isEqualTo(Failure.INVALID);
        assertThat(failure(() -> jdbc.update("INSERT INTO probe (id, parent, name, n) VALUES (2, 1, 'b', 0)")).failure())
                .isEqualTo(Failure.INVALID);
        assertThat(failure(() -> jdbc.update("INSERT INTO probe (id, parent, name, n) VALUES (2, 1, 'toolong', 1)")).failure())
                .isEqualTo(Failure.INVALID);
    }

    @Test
    void bad_sql_is_our_fault_not_an_outage() {
        StoreException e = failure(() -> jdbc.list("SELECT no_such_column FROM probe", rs -> rs.getString(1)));
        assertThat(e.failure()).isEqualTo(Failure.BROKEN);
        assertThat(e.toDomain()).isNull();
    }

    @Test
    void a_row_the_code_cannot_read_is_our_fault_not_an_outage() {
        StoreException e = failure(() -> jdbc.list("SELECT name FROM probe", rs -> {
            throw new java.sql.SQLException("malformed row");
        }));
        assertThat(e.failure()).isEqualTo(Failure.BROKEN);
    }

    @Test
    void an_unreachable_database_is_unavailable_and_comes_back() {
        proxy.cut();
        StoreException read = failure(() -> jdbc.list("SELECT id FROM probe", rs -> rs.getLong(1)));
        assertThat(read.failure()).as(read.getCause().toString()).isEqualTo(Failure.UNAVAILABLE);
        assertThat(failure(() -> jdbc.update("INSERT INTO probe (id, parent, name, n) VALUES (3, 1, 'c', 1)")).failure())
                .isEqualTo(Failure.UNAVAILABLE);
        assertThat(failure(() -> jdbc.inTransaction(c -> Jdbc.update(c, "DELETE FROM probe"))).failure())
                .isEqualTo(Failure.UNAVAILABLE);
        proxy.restore();
        // The pool checks a connection idle for more than half a second, and drops those that broke.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> assertThat(jdbc.count("SELECT COUNT(*) FROM probe")).isEqualTo(1));
    }
}
