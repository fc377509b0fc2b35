package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 15: introspection stays flat with the number of tokens issued, so the store lookups behind it (a refresh
 * token's grant and expiry, in one statement; whether an access token's grant or id was revoked, on a cache miss) must each find
 * their row through an index, never by a scan of a table that grows with every token. Reads the plans of the
 * very statements {@link JdbcGrantStore} runs. PostgreSQL plans a sequential scan of a small table whatever the
 * indexes, so there sequential scans are priced out ({@code enable_seqscan = off}): a scan left in the plan then
 * means no index serves the condition.
 */
class IntrospectionQueryPlanTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theLookupsOfIntrospectionUseAnIndex(Backend backend) throws SQLException {
        try (TestDatabase t = TestDatabase.open(backend); Connection c = t.db.connection(); Statement s = c.createStatement()) {
            if (backend == Backend.POSTGRES) {
                s.execute("SET enable_seqscan = off");
            }
            // and the key lock of every client_credentials grant (one per grant, in its group commit)
            for (String sql : new String[] {JdbcGrantStore.LIVE_REFRESH, JdbcGrantStore.IS_REVOKED, JdbcGrantStore.LOCK_LIVE_KEY}) {
                String plan = plan(s, sql, backend);
                if (backend == Backend.H2) {
                    assertThat(plan).as(sql).doesNotContainIgnoringCase("tableScan").containsIgnoringCase("primary_key");
                } else {
                    assertThat(plan).as(sql).doesNotContain("Seq Scan").contains("Index");
                }
            }
        }
    }

    private static String plan(Statement s, String sql, Backend backend) throws SQLException {
        // Literals for the parameters (EXPLAIN takes no placeholders): a hash, a time, an id.
        String bound = sql.replaceFirst("token_hash = \\?", "token_hash = 'x'")
                .replaceFirst("expires_at > \\?", "expires_at > CURRENT_TIMESTAMP")
                .replaceFirst("id = \\?", "id = 1")
                .replaceFirst("jti = \\?", "jti = 'x'");
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = s.executeQuery("EXPLAIN " + bound)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
