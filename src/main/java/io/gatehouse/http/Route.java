package io.gatehouse.http;

/**
 * One method on one path template, with who may call it and the permission it needs.
 *
 * @param template   e.g. {@code /v1.0/leads/{leadId}}; used as the metrics label too
 * @param permission the named permission an access token needs (SPEC §6), or null
 */
public record Route(String method, String template, Access access, String permission, Endpoint endpoint) {

    /** Which credentials a route accepts. */
    public enum Access {
        /** Anyone; a credential, if sent, is not looked at. */
        OPEN,
        /** An API key or an OAuth access token (the API, SPEC §2). */
        CREDENTIAL,
        /** The account itself: an API key or a portal session, never a third-party app's token. */
        ACCOUNT
    }
}
