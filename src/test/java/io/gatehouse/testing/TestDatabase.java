package io.gatehouse.testing;

import io.gatehouse.store.Database;
import io.gatehouse.store.Jdbc;

/** A fresh, migrated database of either backend for one test, dropped on close. */
public final class TestDatabase implements AutoCloseable {
    public final Database db;
    public final Jdbc jdbc;
    private final String pgUrl;

    private TestDatabase(Database db, String pgUrl) {
        this.db = db;
        this.jdbc = new Jdbc(db);
        this.pgUrl = pgUrl;
    }

    public static TestDatabase open(Backend backend) {
        if (backend == Backend.POSTGRES) {
            String url = TestDatabases.create();
            return new TestDatabase(Database.open(url, null, null, null), url);
        }
        return new TestDatabase(Database.open("jdbc:h2:mem:t-" + java.util.UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "", null), null);
    }

    public long count(String table) {
        return jdbc.count("SELECT COUNT(*) FROM " + table);
    }

    @Override
    public void close() {
        db.close();
        if (pgUrl != null) {
            TestDatabases.drop(pgUrl);
        }
    }
}
