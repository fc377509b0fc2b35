package io.gatehouse.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The few JDBC moves every store makes, so each store reads as its SQL. */
public final class Jdbc {
    /** SQLSTATE for a unique-constraint violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database db;
    /**
     * The connection of the transaction this thread is in, if any. Every store call made inside
     * {@link #inTransaction} runs on it, so a service can make several stores' writes (and the audit
     * record of them) one transaction without the stores knowing.
     */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    /** While this thread is inside {@link #batched}: one prepared statement per insert's SQL, rows added to it. */
    private final ThreadLocal<Map<String, PreparedStatement>> batch = new ThreadLocal<>();

    public Jdbc(Database db) {
        this.db = db;
    }

    /** A connection whose close is a no-op, so code that closes what it borrowed leaves the transaction open. */
    private Connection borrow() throws SQLException {
        Connection tx = current.get();
        if (tx == null) {
            return db.connection();
        }
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(tx, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** True while this thread is inside {@link #inTransaction}. */
    public boolean inTransaction() {
        return current.get() != null;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    public interface TxWork<T> {
        T run(Connection c) throws SQLException;
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) {
        Connection tx = current.get();
        if (tx != null) { // inside a transaction: its connection, used as is (it is not ours to close)
            try {
                return list(tx, sql, mapper, args);
            } catch (SQLException e) {
                throw translate(e);
            }
        }
        try (Connection c = borrow()) {
            return list(c, sql, mapper, args);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = list(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public long count(String sql, Object... args) {
        return one(sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    /** Runs an insert, update or delete; a unique-constraint violation becomes {@link DuplicateException}. */
    public int update(String sql, Object... args) {
        Connection tx = current.get();
        if (tx != null) { // inside a transaction: its connection, used as is; durable when that transaction commits
            try {
                return update(tx, sql, args);
            } catch (SQLException e) {
                throw translate(e);
            }
        }
        int changed;
        try (Connection c = borrow()) {
            changed = update(c, sql, args);
        } catch (SQLException e) {
            throw translate(e);
        }
        if (!inTransaction()) {
            awaitDurable(); // committed on its own: on disk before anyone hears of it
        }
        return changed;
    }

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /**
     * An insert whose row count nobody reads. Inside {@link #batched} the row is added to that call's batch
     * (one prepared statement per SQL text, run when the batched work ends); otherwise it runs now, as
     * {@link #update}.
     */
    public void insert(String sql, Object... args) {
        Map<String, PreparedStatement> statements = batch.get();
        if (statements == null) {
            update(sql, args);
            return;
        }
        try {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = current.get().prepareStatement(sql);
                statements.put(sql, ps);
            }
            for (int i = 0; i < args.length; i++) {
                bind(ps, i + 1, args[i]);
            }
            ps.addBatch();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Runs work in this thread's transaction with its {@link #insert}s batched: one prepared statement per
     * SQL text, each run as one JDBC batch when work returns, in the order of their first use (so a parent
     * table's rows go in before its children's when every caller inserts the parent first). Other statements
     * run at once, so work must not read what it inserts. A failed row fails the whole call: the caller's
     * transaction is then to be rolled back.
     */
    public void batched(Runnable work) {
        if (current.get() == null || batch.get() != null) {
            throw new IllegalStateException("batched: only inside a transaction, and not nested");
        }
        Map<String, PreparedStatement> statements = new LinkedHashMap<>();
        batch.set(statements);
        try {
            work.run();
            for (PreparedStatement ps : statements.values()) {
                ps.executeBatch();
            }
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            batch.remove();
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // the transaction's outcome decides; a statement that will not close goes with its connection
                }
            }
        }
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws. Store calls
     * on this thread meanwhile join it; called inside another transaction, it joins that one (the outer
     * one commits or rolls back everything).
     */
    public <T> T inTransaction(TxWork<T> work) {
        Connection outer = current.get();
        if (outer != null) {
            try {
                return work.run(outer);
            } catch (SQLException e) {
                throw translate(e);
            }
        }
        T result;
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            current.set(c);
            try {
                result = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                // The work's own failure is the one to report; a connection that broke fails the rollback too.
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                current.remove();
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection: the pool discards it
                }
            }
        } catch (SQLException e) {
            throw translate(e);
        }
        awaitDurable(); // after the connection went back: the flush needs one
        return result;
    }

    /** After a commit: a failure here is {@link UnconfirmedCommitException}, never one that invites a retry of the work. */
    private void awaitDurable() {
        try {
            db.awaitDurable();
        } catch (SQLException e) {
            throw new UnconfirmedCommitException(e);
        }
    }

    /** {@link #inTransaction(TxWork)} for work that throws no checked exception. */
    public <T> T inTransaction(java.util.function.Supplier<T> work) {
        return inTransaction(c -> work.get());
    }

    /** Sorts a driver's exception by SQLSTATE (the same classes on H2 and PostgreSQL); see {@link StoreException.Failure}. */
    public static StoreException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (UNIQUE_VIOLATION.equals(state)) {
            return new DuplicateException(e);
        }
        return new StoreException(failure(e, state), e);
    }

    private static StoreException.Failure failure(SQLException e, String state) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException || unavailable(state)) {
            return StoreException.Failure.UNAVAILABLE;
        }
        if (state.equals("23503") || state.equals("23506")) { // H2 says 23506 for a missing parent
            return StoreException.Failure.CONFLICT;
        }
        if (state.startsWith("23") || state.startsWith("22")) {
            return StoreException.Failure.INVALID;
        }
        // A pool that timed out wraps the driver's reason.
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketException || c instanceof SQLException s && s.getSQLState() != null
                    && unavailable(s.getSQLState())) {
                return StoreException.Failure.UNAVAILABLE;
            }
        }
        return StoreException.Failure.BROKEN;
    }

    /**
     * Connection exceptions (08), out of resources (53), operator intervention such as a shutting-down
     * server or a cancelled statement (57), a serialization failure or deadlock (40), a lock or
     * statement timeout (HYT00); H2's own codes for a broken or closed connection (90067, 90098, 90121) and
     * for an I/O failure under it (90028, 90031).
     */
    private static boolean unavailable(String state) {
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40")
                || state.equals("HYT00") || state.equals("90067") || state.equals("90098") || state.equals("90121")
                || state.equals("90028") || state.equals("90031");
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                bind(ps, i + 1, args[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        switch (value) {
            case null -> ps.setNull(index, Types.NULL);
            case Instant t -> ps.setObject(index, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            case Enum<?> e -> ps.setString(index, e.name().toLowerCase(java.util.Locale.ROOT));
            default -> ps.setObject(index, value);
        }
    }

    /** Reads a timestamp column as an Instant; null stays null. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** A nullable BIGINT column. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
