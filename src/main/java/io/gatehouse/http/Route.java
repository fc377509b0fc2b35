package io.gatehouse.http;

/**
 * One method on one path template, with who may call it and the permission it needs.
 *
 * @param template   e.g. {@code /v1.0/leads/{leadId}}; used as the metrics label too
 * @param permission the named permission an access token needs (SPEC §6), or null
 * @param limitPerMinute a route's own per-minute limit (SPEC §6, e.g. costly AI endpoints), 0 for none
 */
public record Route(String method, String template, Access access, String permission, Endpoint endpoint,
                    int limitPerMinute) {

    /** A route without a limit of its own. */
    public Route(String method, String template, Access access, String permission, Endpoint endpoint) {
        this(method, template, access, permission, endpoint, 0);
    }

    /** Which credentials a route accepts. */
    public enum Access {
        /** Anyone; a credential, if sent, is not looked at. */
        OPEN,
        /** An API key or an OAuth access token (the API, SPEC §2). */
        CREDENTIAL,
        /** The account itself: an API key or a portal session, never a third-party app's token. */
        ACCOUNT,
        /** A page for a logged-in browser: the portal session only; without one, the browser is sent to log in. */
        SESSION,
        /** A page anyone may open; the portal session, when there is one, is read (the principal is null otherwise). */
        PAGE
    }
}
