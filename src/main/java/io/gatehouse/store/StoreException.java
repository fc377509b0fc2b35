package io.gatehouse.store;

import io.gatehouse.core.DomainException;
import java.sql.SQLException;

/**
 * The database refused or failed a statement. {@link Jdbc#translate} sorts each {@link SQLException}
 * by its SQLSTATE into one {@link Failure}, and the edge answers by it: a database that cannot be
 * reached is 503, a write a constraint refused is 409 or 400, anything else is our fault (500).
 */
public class StoreException extends RuntimeException {
    /** What kind of failure, independent of the driver. */
    public enum Failure {
        /** The database cannot be reached or is refusing work for now (SQLSTATE classes 08, 53, 57, 40, HY, timeouts): retry. */
        UNAVAILABLE,
        /** A unique or foreign-key constraint refused the write (23505, 23503): the thing exists or changed. */
        CONFLICT,
        /** A not-null, check or length rule refused a value (other class 23, class 22). */
        INVALID,
        /** Anything else: bad SQL, a malformed row, a driver bug. */
        BROKEN
    }

    private final Failure failure;

    public StoreException(SQLException cause) {
        this(Failure.BROKEN, cause);
    }

    public StoreException(Failure failure, SQLException cause) {
        super(cause.getMessage(), cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }

    /** The SQLSTATE of the driver's exception, or "none". */
    public String sqlState() {
        return getCause() instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "none";
    }

    /**
     * What a caller may be told, for the failures that are the caller's or the moment's (the driver's
     * message stays out: it can quote stored values). Null for {@link Failure#BROKEN}.
     */
    public DomainException toDomain() {
        return switch (failure) {
            case UNAVAILABLE -> DomainException.unavailable("The service is temporarily unavailable; try again shortly.", 1);
            case CONFLICT -> DomainException.conflict("This conflicts with something that already exists or changed meanwhile;"
                    + " reload and try again.");
            case INVALID -> DomainException.invalid("A value is not acceptable (missing, too long or out of range).");
            case BROKEN -> null;
        };
    }
}
