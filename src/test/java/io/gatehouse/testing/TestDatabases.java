package io.gatehouse.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh PostgreSQL databases for tests. GATEHOUSE_TEST_PG_URL (a JDBC URL to a database on a server
 * where the user may CREATE DATABASE) is used when set; otherwise an embedded PostgreSQL starts once
 * per test JVM. PostgreSQL refuses to run as root, so as root without the variable the machine's own
 * server on 127.0.0.1:5432 is used if one answers.
 */
public final class TestDatabases {
    private static String adminUrl;
    private static EmbeddedPostgres embedded;

    private TestDatabases() {
    }

    /** A new, empty database; drop it with {@link #drop}. Returns its JDBC URL (credentials included). */
    public static synchronized String create() {
        String admin = adminUrl();
        String name = "gh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        exec(admin, "CREATE DATABASE " + name);
        return withDatabase(admin, name);
    }

    public static synchronized void drop(String url) {
        String name = databaseOf(url);
        if (!name.startsWith("gh_")) {
            throw new IllegalArgumentException("refusing to drop " + name);
        }
        exec(adminUrl(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static String adminUrl() {
        if (adminUrl != null) {
            return adminUrl;
        }
        String env = System.getenv("GATEHOUSE_TEST_PG_URL");
        if (env != null && !env.isBlank()) {
            adminUrl = env;
        } else if ("root".equals(System.getProperty("user.name"))) {
            if (!answers("127.0.0.1", 5432)) {
                throw new IllegalStateException("Embedded PostgreSQL cannot run as root and nothing answers on "
                        + "127.0.0.1:5432: set GATEHOUSE_TEST_PG_URL to a PostgreSQL JDBC URL.");
            }
            adminUrl = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
        } else {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is ending
                }
            }));
            adminUrl = embedded.getJdbcUrl("postgres", "postgres");
        }
        return adminUrl;
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void exec(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static String withDatabase(String url, String name) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        String query = q < 0 ? "" : url.substring(q);
        return base.substring(0, base.lastIndexOf('/') + 1) + name + query;
    }

    static String databaseOf(String url) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        return base.substring(base.lastIndexOf('/') + 1);
    }
}
