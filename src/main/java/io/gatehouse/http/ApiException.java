package io.gatehouse.http;

import io.gatehouse.core.DomainException;
import java.util.Map;

/**
 * An API error on its way to the client. Rendered in one place ({@link Exchange#fail}) as
 * {@code {"code", "error", "message"}}; the message is for people and never holds a secret.
 */
public final class ApiException extends RuntimeException {
    private final ApiError error;
    private final Map<String, String> headers;
    private final boolean overloaded;

    public ApiException(ApiError error, String message) {
        this(error, message, Map.of());
    }

    public ApiException(ApiError error, String message, Map<String, String> headers) {
        this(error, message, headers, null);
    }

    /** An error with the failure behind it, whose stack trace the log shows (5xx only). */
    public ApiException(ApiError error, String message, Map<String, String> headers, Throwable cause) {
        this(error, message, headers, cause, false);
    }

    private ApiException(ApiError error, String message, Map<String, String> headers, Throwable cause, boolean overloaded) {
        super(message, cause, false, false);
        this.error = error;
        this.headers = headers;
        this.overloaded = overloaded;
    }

    /** 503 because too much work arrived at once (not a failure of ours or of a dependency). */
    public static ApiException overloaded(String message, long retryAfterSeconds) {
        return new ApiException(ApiError.SERVICE_UNAVAILABLE, message, Map.of("Retry-After", Long.toString(retryAfterSeconds)),
                null, true);
    }

    /** Whether this is an overload answer, which the log reports sparingly instead of per request. */
    public boolean overloaded() {
        return overloaded;
    }

    public ApiError error() {
        return error;
    }

    /** Extra response headers this error needs (Allow, WWW-Authenticate, Retry-After). */
    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException invalid(String message) {
        return new ApiException(ApiError.INVALID_PARAMETER, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ApiError.RESOURCE_NOT_EXIST, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(ApiError.CONFLICT, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(ApiError.PERMISSION_DENIED, message);
    }

    /** 401 with RFC 6750's challenge; {@code credentialSent} adds {@code error="invalid_token"}. */
    public static ApiException unauthorized(String message, boolean credentialSent) {
        String challenge = credentialSent
                ? "Bearer realm=\"gatehouse\", error=\"invalid_token\""
                : "Bearer realm=\"gatehouse\"";
        return new ApiException(ApiError.BAD_CREDENTIALS, message, Map.of("WWW-Authenticate", challenge));
    }

    /** The API's answer to a domain error (SPEC §3): the one place where domain kinds meet HTTP. */
    public static ApiException of(DomainException e) {
        String message = e.getMessage();
        return switch (e.kind()) {
            case INVALID -> invalid(message);
            case NOT_FOUND -> notFound(message);
            case CONFLICT -> conflict(message);
            case FORBIDDEN -> forbidden(message);
            case UNAUTHENTICATED -> unauthorized(message, true);
            case UNAVAILABLE -> e.overloaded() ? overloaded(message, e.retryAfterSeconds())
                    : new ApiException(ApiError.SERVICE_UNAVAILABLE, message, Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
        };
    }
}
