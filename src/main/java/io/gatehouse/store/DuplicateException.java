package io.gatehouse.store;

import java.sql.SQLException;

/** A unique constraint refused a write: the thing already exists. */
public final class DuplicateException extends StoreException {
    public DuplicateException(SQLException cause) {
        super(Failure.CONFLICT, cause);
    }
}
