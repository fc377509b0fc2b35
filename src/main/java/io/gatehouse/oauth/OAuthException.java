package io.gatehouse.oauth;

/**
 * An OAuth error (RFC 6749 §5.2), rendered as {@code {"error","error_description"}} in one place
 * (the pipeline, through {@link #body()}). The description is public; nothing secret goes in it.
 */
public final class OAuthException extends RuntimeException {
    private final String error;
    private final int status;
    private final java.util.Map<String, String> headers;

    public OAuthException(String error, String description, int status) {
        this(error, description, status, java.util.Map.of());
    }

    public OAuthException(String error, String description, int status, java.util.Map<String, String> headers) {
        this(error, description, status, headers, null);
    }

    /** With the failure behind it, which the pipeline logs for a 5xx (SPEC §11); never rendered. */
    public OAuthException(String error, String description, int status, java.util.Map<String, String> headers, Throwable cause) {
        super(description, cause, false, false);
        this.error = error;
        this.status = status;
        this.headers = headers;
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }

    /**
     * Whether this is an overload answer (our own bound on work, not a failure), which the log reports
     * sparingly instead of per request, as for the API's overload 503s.
     */
    public boolean overloaded() {
        return getCause() instanceof io.gatehouse.core.DomainException d && d.overloaded();
    }

    /** The RFC 6749 §5.2 error body. */
    public Body body() {
        return new Body(error, getMessage());
    }

    public record Body(String error, @com.fasterxml.jackson.annotation.JsonProperty("error_description") String errorDescription) {
    }

    /**
     * The OAuth answer to a domain error raised while serving an OAuth endpoint; the domain error is kept
     * as the cause, so a 503 is logged with what was away.
     */
    public static OAuthException of(io.gatehouse.core.DomainException e) {
        return switch (e.kind()) {
            case INVALID -> new OAuthException("invalid_request", e.getMessage(), 400, java.util.Map.of(), e);
            case NOT_FOUND, UNAUTHENTICATED, CONFLICT -> new OAuthException("invalid_grant", e.getMessage(), 400, java.util.Map.of(), e);
            case FORBIDDEN -> new OAuthException("access_denied", e.getMessage(), 403, java.util.Map.of(), e);
            case UNAVAILABLE -> new OAuthException("temporarily_unavailable", e.getMessage(), 503,
                    java.util.Map.of("Retry-After", Long.toString(e.retryAfterSeconds())), e);
        };
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException("invalid_request", description, 400);
    }

    /** 401 with {@code WWW-Authenticate: Basic} (RFC 6749 §5.2). */
    public static OAuthException invalidClient(String description) {
        return new OAuthException("invalid_client", description, 401,
                java.util.Map.of("WWW-Authenticate", "Basic realm=\"gatehouse\""));
    }

    /** Too many failed attempts from this client or address (SPEC §11): 429 with Retry-After. */
    public static OAuthException throttled(long retryAfterSeconds) {
        return new OAuthException("too_many_requests", "Too many failed attempts; try again in " + retryAfterSeconds
                + " seconds.", 429, java.util.Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** Too many device authorizations started from this address (SPEC §11 bounded work): 429 with Retry-After. */
    public static OAuthException tooManyStarts(long retryAfterSeconds) {
        return new OAuthException("too_many_requests", "Too many device authorizations from this address; try again in "
                + retryAfterSeconds + " seconds.", 429, java.util.Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public static OAuthException invalidGrant(String description) {
        return new OAuthException("invalid_grant", description, 400);
    }

    public static OAuthException unauthorizedClient(String description) {
        return new OAuthException("unauthorized_client", description, 400);
    }

    public static OAuthException unsupportedGrantType(String description) {
        return new OAuthException("unsupported_grant_type", description, 400);
    }

    public static OAuthException invalidScope(String description) {
        return new OAuthException("invalid_scope", description, 400);
    }
}
