package io.gatehouse.apikey;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.token.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API key's wire form (SPEC §4): a compact JWS, HS256, whose protected header is always the same
 * bytes, so every key starts with {@link #PREFIX} and secret scanners can recognise one. Payload:
 * {@code sub} (account id), {@code jti} (key id), {@code scope} = THIRD_PARTY_OPERATION, {@code iat},
 * and {@code exp} when the key expires.
 */
public final class ApiKeyFormat {
    public static final String SCOPE = "THIRD_PARTY_OPERATION";
    private static final Base64URL HEADER_B64 = Base64URL.encode(
            "{\"alg\":\"HS256\",\"typ\":\"gatehouse-api-key\"}".getBytes(StandardCharsets.UTF_8));
    /** What every API key starts with (registered in {@link CredentialFormat#API_KEY}). */
    public static final String PREFIX = CredentialFormat.API_KEY.prefix();
    private static final JWSHeader HEADER;

    static {
        if (!PREFIX.equals(HEADER_B64 + ".")) {
            throw new ExceptionInInitializerError("CredentialFormat.API_KEY does not match the API key header");
        }
        try {
            HEADER = JWSHeader.parse(HEADER_B64);
        } catch (ParseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What a verified key says. */
    public record Claims(long accountId, long keyId, Instant issuedAt, Instant expiresAt) {
    }

    private ApiKeyFormat() {
    }

    public static String mint(SigningKeys.Key key, long accountId, long keyId, Instant issuedAt, Instant expiresAt) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", Long.toString(accountId));
        claims.put("jti", Long.toString(keyId));
        claims.put("scope", SCOPE);
        claims.put("iat", issuedAt.getEpochSecond());
        if (expiresAt != null) {
            claims.put("exp", expiresAt.getEpochSecond());
        }
        JWSObject jws = new JWSObject(HEADER, new Payload(claims));
        try {
            jws.sign(new MACSigner(key.secret()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an API key", e);
        }
        return jws.serialize();
    }

    /**
     * Checks the header, the signature against any of the given keys, and the claims' shape.
     * Returns null for anything that is not a key we signed; never throws on bad input.
     */
    public static Claims verify(String text, List<SigningKeys.Key> keys) {
        if (text.length() > 2048 || !text.startsWith(PREFIX)) {
            return null;
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(text);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
        if (!verifiedByAny(jws, keys)) {
            return null;
        }
        try {
            Map<String, Object> claims = jws.getPayload().toJSONObject();
            if (claims == null || !SCOPE.equals(claims.get("scope"))) {
                return null;
            }
            long accountId = Long.parseLong((String) claims.get("sub"));
            long keyId = Long.parseLong((String) claims.get("jti"));
            Instant iat = Instant.ofEpochSecond(((Number) claims.get("iat")).longValue());
            Object exp = claims.get("exp");
            Instant expiresAt = exp == null ? null : Instant.ofEpochSecond(((Number) exp).longValue());
            return new Claims(accountId, keyId, iat, expiresAt);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean verifiedByAny(JWSObject jws, List<SigningKeys.Key> keys) {
        for (SigningKeys.Key k : keys) {
            try {
                if (jws.verify(new MACVerifier(k.secret()))) {
                    return true;
                }
            } catch (JOSEException e) {
                return false;
            }
        }
        return false;
    }
}
