package io.gatehouse.store;

import java.sql.SQLException;

/** The database failed or could not be reached; the request that met it is answered 503. */
public class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
