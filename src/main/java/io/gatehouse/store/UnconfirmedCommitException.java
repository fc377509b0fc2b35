package io.gatehouse.store;

import java.sql.SQLException;

/**
 * A transaction committed, but writing it to the embedded database's file failed: the write is visible and
 * may or may not survive a crash. The caller is told it failed (503: retry), and nothing may run the write
 * again on its behalf — it already happened once.
 */
public final class UnconfirmedCommitException extends StoreException {
    public UnconfirmedCommitException(SQLException cause) {
        super(Failure.UNAVAILABLE, cause);
    }
}
