package io.gatehouse.revocation;

/**
 * Something every node must stop trusting, or reload, at once: an API key, a grant (and every token of
 * it), one access token, or an app whose settings changed. Encoded as {@code kind:id} on the wire.
 */
public record Revocation(Kind kind, String id) {
    public enum Kind {
        API_KEY('k'), GRANT('g'), ACCESS_TOKEN('t'), APP('a');

        final char code;

        Kind(char code) {
            this.code = code;
        }
    }

    public static Revocation apiKey(long id) {
        return new Revocation(Kind.API_KEY, Long.toString(id));
    }

    public static Revocation grant(long id) {
        return new Revocation(Kind.GRANT, Long.toString(id));
    }

    public static Revocation accessToken(String jti) {
        return new Revocation(Kind.ACCESS_TOKEN, jti);
    }

    public static Revocation app(String clientId) {
        return new Revocation(Kind.APP, clientId);
    }

    public String encode() {
        return kind.code + ":" + id;
    }

    /** The entry a log row names ({@code kind} in lower case), or null for a kind this version does not know. */
    public static Revocation of(String kind, String id) {
        for (Kind k : Kind.values()) {
            if (k.name().equalsIgnoreCase(kind)) {
                return new Revocation(k, id);
            }
        }
        return null;
    }

    /** The event a message names, or null for a message this version does not know. */
    public static Revocation decode(String message) {
        if (message == null || message.length() < 3 || message.charAt(1) != ':') {
            return null;
        }
        for (Kind k : Kind.values()) {
            if (k.code == message.charAt(0)) {
                return new Revocation(k, message.substring(2));
            }
        }
        return null;
    }
}
