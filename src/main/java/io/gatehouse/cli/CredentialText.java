package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Reading credentials for people, without verifying them (the server does that): the id and expiry a
 * JWS-shaped key or token carries, and a mask that tells two credentials apart without showing either.
 */
final class CredentialText {
    private CredentialText() {
    }

    /** SPEC §10: {@code <key id> …<last 4>}; {@code …<last 4>} for a credential that carries no id. */
    static String mask(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        String tail = secret.length() >= 16 ? secret.substring(secret.length() - 4) : "";
        String id = id(secret);
        return (id == null ? "" : id + " ") + "…" + tail;
    }

    /** The {@code jti} of a JWS-shaped credential (an API key's key id, an access token's token id), or null. */
    static String id(String credential) {
        JsonNode c = claims(credential);
        return c == null || !c.hasNonNull("jti") ? null : c.get("jti").asText();
    }

    /** The {@code exp} of a JWS-shaped credential, or null when it has none (or is not one). */
    static Instant expiry(String credential) {
        JsonNode c = claims(credential);
        return c == null || !c.path("exp").canConvertToLong() ? null : Instant.ofEpochSecond(c.get("exp").asLong());
    }

    /** The payload of a compact JWS, unverified; null for anything else. */
    static JsonNode claims(String credential) {
        String[] parts = credential.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode payload = CliJson.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return payload.isObject() ? payload : null;
        } catch (Exception notJws) {
            return null;
        }
    }
}
