package io.gatehouse.pipeline;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.FaultProxy;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestDatabases;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database failure is answered by its kind, over real HTTP on both databases: a write a constraint
 * refuses is 409 or 400 (the client's), a row the code cannot read is 500 with the request id and the
 * stack trace at ERROR (ours), an unreachable database is 503 (the moment's).
 */
@ParameterizedClass
@EnumSource(Backend.class)
class DatabaseFailureAnswersTest {
    @Parameter
    Backend backend;

    private TestServer server;
    private String[] auth;

    @BeforeEach
    void start() {
        server = TestServer.start(backend, Map.of());
        auth = token(Fixtures.apiKey(server.admin, Fixtures.account(server).id()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Resp createLead(String first, String last) {
        return server.api.post("/v1.0/leads", Map.of("firstName", first, "lastName", last), auth);
    }

    @Test
    void a_write_a_unique_constraint_refuses_is_409_and_changes_nothing() {
        server.sql("CREATE UNIQUE INDEX leads_test_unique ON leads (account_id, first_name)");
        assertThat(createLead("Ann", "Lee").status()).isEqualTo(201);
        Resp again = createLead("Ann", "Lee");
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.json().get("code").asInt()).isEqualTo(20009);
        assertThat(again.body()).doesNotContain("leads_test_unique").doesNotContain("SQL");
        assertThat(server.api.get("/v1.0/leads", auth).json().get("get_metadata").get("total").asInt()).isEqualTo(1);
    }

    @Test
    void a_write_a_check_constraint_refuses_is_400() {
        server.sql("ALTER TABLE leads ADD CONSTRAINT leads_test_check CHECK (last_name <> 'Refused')");
        Resp r = createLead("Bo", "Refused");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("code").asInt()).isEqualTo(20012);
    }

    @Test
    void a_row_the_code_cannot_read_is_500_with_the_request_id_and_the_trace_at_error() {
        long id = createLead("Cy", "Ng").json().get("leadId").asLong();
        server.sql("UPDATE leads SET tags = 'not json' WHERE id = ?", id);
        Resp r = server.api.get("/v1.0/leads/" + id, auth);
        assertThat(r.status()).as(r.toString()).isEqualTo(500);
        String requestId = r.header("X-Request-Id");
        assertThat(r.json().get("message").asText()).contains(requestId);
        assertThat(LogCapture.all()).containsPattern("request " + requestId + " GET \\S+ answered 500")
                .contains("malformed tags").contains("\tat io.gatehouse.");
    }

    @Test
    void an_unreachable_database_is_503_with_retry_after_and_logged_with_its_trace() {
        assumeTrue(backend == Backend.POSTGRES, "the embedded database cannot be cut from its node");
        String pgUrl = TestDatabases.create();
        URI pg = URI.create(pgUrl.substring("jdbc:".length()));
        try (FaultProxy proxy = new FaultProxy(pg.getHost(), pg.getPort());
             TestServer node = TestServer.node(Map.of("GATEHOUSE_DB_URL",
                     pgUrl.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + proxy.port())))) {
            proxy.cut();
            Resp r = node.admin.post("/admin/v1/accounts", Map.of("email", Fixtures.uniqueEmail(), "password", "correct horse battery"));
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(LogCapture.all()).containsPattern("request " + r.header("X-Request-Id") + " POST \\S+ answered 503");
        } finally {
            TestDatabases.drop(pgUrl);
        }
    }
}
