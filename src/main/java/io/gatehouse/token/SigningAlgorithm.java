package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.text.ParseException;
import java.util.Locale;

/**
 * How access tokens and id_tokens are signed (GATEHOUSE_TOKEN_SIGNING_ALG): RS256 (the default, what RFC
 * 9068 names), ES256 (ECDSA P-256) or EdDSA (Ed25519, RFC 8037). Each makes its key pair, reads it back
 * from its stored JWK, and gives the Nimbus signer and verifier for it. Ed25519 uses the JDK and
 * BouncyCastle ({@link Ed25519Jws}): Nimbus's Ed25519 classes would need Tink.
 */
public enum SigningAlgorithm {
    RS256(JWSAlgorithm.RS256),
    ES256(JWSAlgorithm.ES256),
    EdDSA(JWSAlgorithm.EdDSA);

    private final JWSAlgorithm jws;

    SigningAlgorithm(JWSAlgorithm jws) {
        this.jws = jws;
    }

    public JWSAlgorithm jws() {
        return jws;
    }

    /** The curve the at_hash of an id_token depends on (EdDSA only), else null. */
    public Curve curve() {
        return this == EdDSA ? Curve.Ed25519 : null;
    }

    /** The algorithm by its JOSE name, any case; null when it is none of ours. */
    public static SigningAlgorithm parse(String name) {
        if (name == null) {
            return null;
        }
        for (SigningAlgorithm a : values()) {
            if (a.name().toLowerCase(Locale.ROOT).equals(name.strip().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }

    /** A fresh private key pair with this kid, as a JWK (use sig, alg set). */
    JWK generate(String kid) {
        try {
            return switch (this) {
                case RS256 -> new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(jws).generate();
                case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(jws).generate();
                case EdDSA -> Ed25519Jws.generate(kid);
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + name() + " key", e);
        }
    }

    /** RS256: a 2048-bit key pair as {@link #generate} makes it, without its kid yet (see {@link TokenModule#keyPairAhead}). */
    static java.security.KeyPair newRsaKeyPair() {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot generate an RS256 key", e);
        }
    }

    /** RS256: the JWK of a key pair made ahead by {@link #newRsaKeyPair}, as {@link #generate} would give it. */
    JWK rsaJwk(String kid, java.security.KeyPair pair) {
        if (this != RS256) {
            throw new IllegalStateException("not an RS256 key: " + name());
        }
        return new RSAKey.Builder((java.security.interfaces.RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate())
                .keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(jws).build();
    }

    /** The stored private JWK of a key of this algorithm. */
    JWK parseJwk(String json) throws ParseException {
        return switch (this) {
            case RS256 -> RSAKey.parse(json);
            case ES256 -> ECKey.parse(json);
            case EdDSA -> OctetKeyPair.parse(json);
        };
    }

    JWSSigner signer(JWK key) throws JOSEException {
        return switch (this) {
            case RS256 -> new RSASSASigner(key.toRSAKey());
            case ES256 -> new ECDSASigner(key.toECKey());
            case EdDSA -> new Ed25519Jws.Signer(key.toOctetKeyPair());
        };
    }

    /**
     * For the start-up cache's training run ({@code io.gatehouse.AotTraining}), which serves with the default
     * algorithm: signs and verifies a token-sized JWS {@code rounds} times with a fresh key of each other
     * algorithm, so whichever one a node is set to, its signing code starts with trained profiles.
     */
    public static void train(int rounds) {
        Payload payload = new Payload("x".repeat(420));
        for (SigningAlgorithm a : values()) {
            if (a == RS256) {
                continue;
            }
            try {
                JWK key = a.generate("training");
                JWSSigner signer = a.signer(key);
                JWSVerifier verifier = a.verifier(key);
                for (int i = 0; i < rounds; i++) {
                    JWSObject jws = new JWSObject(new JWSHeader.Builder(a.jws).keyID("training").build(), payload);
                    jws.sign(signer);
                    if (!JWSObject.parse(jws.serialize()).verify(verifier)) {
                        throw new IllegalStateException(a + ": a training signature did not verify");
                    }
                }
            } catch (JOSEException | ParseException e) {
                throw new IllegalStateException("cannot train " + a, e);
            }
        }
    }

    JWSVerifier verifier(JWK key) throws JOSEException {
        return switch (this) {
            case RS256 -> new RSASSAVerifier(key.toRSAKey().toRSAPublicKey());
            case ES256 -> new ECDSAVerifier(key.toECKey().toECPublicKey());
            case EdDSA -> new Ed25519Jws.Verifier(key.toOctetKeyPair());
        };
    }
}
