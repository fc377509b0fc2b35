package io.gatehouse.http;

/** The API's error vocabulary (SPEC §3): HTTP status, numeric code and name, fixed together. */
public enum ApiError {
    BAD_CREDENTIALS(401, 200401),
    VENDOR_HAS_NO_PERMISSION(403, 200100),
    PERMISSION_DENIED(403, 20017),
    INVALID_PARAMETER(400, 20012),
    LIMIT_NOT_VALID(400, 20042),
    LEAD_NOT_EXIST(404, 20006),
    RESOURCE_NOT_EXIST(404, 20007),
    METHOD_NOT_ALLOWED(405, 20008),
    CONFLICT(409, 20009),
    PAYLOAD_TOO_LARGE(413, 20013),
    TOO_MANY_REQUESTS(429, 200429),
    INTERNAL_ERROR(500, 20005),
    // Beyond the SPEC's table, in the same shape (docs/decisions.md):
    BAD_GATEWAY(502, 20502),
    SERVICE_UNAVAILABLE(503, 20503),
    GATEWAY_TIMEOUT(504, 20504);

    public final int status;
    public final int code;

    ApiError(int status, int code) {
        this.status = status;
        this.code = code;
    }
}
