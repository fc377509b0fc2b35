package io.gatehouse.core;

/**
 * A domain rule said no: an invalid value, a missing thing, a conflict, a refused credential. Domain
 * code raises these and knows nothing of HTTP; the edge maps each kind to its surface's error shape in
 * one place (the API's {@code {code,error,message}} in the pipeline, RFC 6749 errors at the OAuth
 * endpoints). The message is for people and never holds a secret.
 */
public class DomainException extends RuntimeException {
    /** What went wrong, independent of any transport. */
    public enum Kind {
        /** A value the caller sent is missing or not acceptable; the message names it. */
        INVALID,
        /** The thing does not exist (or is not the caller's, which is told the same way). */
        NOT_FOUND,
        /** The thing already exists, a limit of things is reached, or it changed under us. */
        CONFLICT,
        /** The caller is known but may not do this. */
        FORBIDDEN,
        /** A credential was presented and is not valid (malformed, unknown, expired, revoked). */
        UNAUTHENTICATED,
        /** A dependency is away; the caller may retry after {@link #retryAfterSeconds()}. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final long retryAfterSeconds;
    private final boolean overloaded;

    public DomainException(Kind kind, String message) {
        this(kind, message, 0);
    }

    public DomainException(Kind kind, String message, long retryAfterSeconds) {
        this(kind, message, retryAfterSeconds, false);
    }

    private DomainException(Kind kind, String message, long retryAfterSeconds, boolean overloaded) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
        this.overloaded = overloaded;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Whether this {@link Kind#UNAVAILABLE} is our own bound on work (too much at once), not a dependency
     * that is away: expected under load, so it is logged sparingly (docs/decisions.md).
     */
    public boolean overloaded() {
        return overloaded;
    }

    /** Seconds a client should wait before retrying, for {@link Kind#UNAVAILABLE}; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static DomainException invalid(String message) {
        return new DomainException(Kind.INVALID, message);
    }

    public static DomainException notFound(String message) {
        return new DomainException(Kind.NOT_FOUND, message);
    }

    public static DomainException conflict(String message) {
        return new DomainException(Kind.CONFLICT, message);
    }

    public static DomainException forbidden(String message) {
        return new DomainException(Kind.FORBIDDEN, message);
    }

    public static DomainException unauthenticated(String message) {
        return new DomainException(Kind.UNAUTHENTICATED, message);
    }

    public static DomainException unavailable(String message, long retryAfterSeconds) {
        return new DomainException(Kind.UNAVAILABLE, message, Math.max(1, retryAfterSeconds));
    }

    /** Too much work at once (SPEC §11 "Bounded work"): refused for now, as {@link Kind#UNAVAILABLE}. */
    public static DomainException overloaded(String message, long retryAfterSeconds) {
        return new DomainException(Kind.UNAVAILABLE, message, Math.max(1, retryAfterSeconds), true);
    }
}
