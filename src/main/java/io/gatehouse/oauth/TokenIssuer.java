package io.gatehouse.oauth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.token.SigningKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Mints tokens: RFC 9068 access tokens (JWT, {@code typ: at+jwt}; RS256 unless the operator chose ES256
 * or EdDSA) and opaque refresh tokens.
 * Signing is the one expensive step of the token endpoint; everything else here is cheap: the JOSE header
 * of each key is encoded once, the claims are written straight to bytes (Jackson's generator), and the key's
 * signer ({@link SigningKeys#signer}: OpenSSL's libcrypto where the node has it, else the JDK's) signs those
 * bytes (what Nimbus' {@code SignedJWT} did with more copies and a JSON map).
 */
public final class TokenIssuer {
    /** Private claim: the grant the token belongs to, so that revoking the grant revokes the token. */
    public static final String GRANT_CLAIM = "gid";
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKeys keys;
    private final Issuer issuer;
    private final Clock clock;
    private final Duration accessTtl;
    private final Duration refreshTtl;
    /** The current key made ready; one at a time (a key signs until the next replaces it), so retired ones go. */
    private volatile Prepared prepared;

    /**
     * A signing key made ready once: its header as it goes in every token ({@code base64url(header) + "."}),
     * and its signer ({@link SigningKeys#signer}: libcrypto's, or the JDK's with reused Signatures).
     */
    private record Prepared(String kid, byte[] headerDot, JWSSigner signer, JWSHeader header) {
        static Prepared of(SigningKeys keys, SigningKeys.Key key) {
            JWSHeader header = new JWSHeader.Builder(key.algorithm().jws()).type(AT_JWT).keyID(key.kid()).build();
            byte[] headerDot = (header.toBase64URL() + ".").getBytes(StandardCharsets.US_ASCII);
            return new Prepared(key.kid(), headerDot, keys.signer(key), header);
        }

        /** The signature of {@code input}, base64url-encoded. */
        byte[] sign(byte[] input) throws JOSEException {
            return signer.sign(header, input).toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    public record AccessToken(String value, String jti, Instant issuedAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[" + jti + "]";
        }
    }

    public TokenIssuer(SigningKeys keys, Issuer issuer, Clock clock, Duration accessTtl, Duration refreshTtl) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
        this.accessTtl = accessTtl;
        this.refreshTtl = refreshTtl;
    }

    /** RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti, scope; plus the grant id. */
    public AccessToken accessToken(Grant grant, List<String> scope) {
        Instant now = clock.instant();
        Instant exp = now.plus(accessTtl);
        String jti = Secrets.randomText(16);
        SigningKeys.Key key = keys.current(SigningKeys.Purpose.ACCESS_TOKEN);
        Prepared p = prepared;
        if (p == null || !p.kid().equals(key.kid())) {
            p = Prepared.of(keys, key); // two threads at a rotation may both make it: the same, once each
            prepared = p;
        }
        // JWS compact serialisation (RFC 7515 §7.1): base64url(header).base64url(claims).base64url(signature)
        byte[] claims = B64URL.encode(claims(grant, scope, now, exp, jti));
        byte[] input = new byte[p.headerDot.length + claims.length];
        System.arraycopy(p.headerDot, 0, input, 0, p.headerDot.length);
        System.arraycopy(claims, 0, input, p.headerDot.length, claims.length);
        byte[] signature;
        try {
            signature = p.sign(input);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        byte[] token = Arrays.copyOf(input, input.length + 1 + signature.length);
        token[input.length] = '.';
        System.arraycopy(signature, 0, token, input.length + 1, signature.length);
        return new AccessToken(new String(token, StandardCharsets.US_ASCII), jti, now, exp);
    }

    /** The claims set as JSON, in the order Nimbus wrote it; times in seconds (RFC 7519 NumericDate). */
    private byte[] claims(Grant grant, List<String> scope, Instant now, Instant exp, String jti) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("iss", issuer.url());
            g.writeStringField("sub", Long.toString(grant.accountId()));
            g.writeStringField("aud", issuer.url());
            g.writeStringField("client_id", grant.clientId());
            g.writeStringField("scope", String.join(" ", scope));
            g.writeNumberField("iat", now.getEpochSecond());
            g.writeNumberField("exp", exp.getEpochSecond());
            g.writeStringField("jti", jti);
            g.writeNumberField(GRANT_CLAIM, grant.id());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return out.toByteArray();
    }

    public String newRefreshToken() {
        return CredentialFormat.REFRESH_TOKEN.mint();
    }

    public Instant refreshExpiry() {
        return clock.instant().plus(refreshTtl);
    }

    public Duration accessTtl() {
        return accessTtl;
    }
}
