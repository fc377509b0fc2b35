package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.impl.EdDSAProvider;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * RFC 8037 Ed25519 JWS as Nimbus {@link JWSSigner} and {@link JWSVerifier}: Nimbus's own Ed25519 classes
 * need Google Tink, which Gatehouse does not ship. Keys are generated and signatures verified with the
 * JDK's provider (SunEC); signing uses BouncyCastle's RFC 8032 code (already a dependency), which signed
 * several times faster than SunEC's here (bench/README.md). Keys are kept as OKP JWKs ({@code x} the
 * 32-byte public key, {@code d} the 32-byte seed).
 */
final class Ed25519Jws {
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), before the 32 key bytes. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519Jws() {
    }

    static OctetKeyPair generate(String kid) throws JOSEException {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] d = ((EdECPrivateKey) pair.getPrivate()).getBytes()
                    .orElseThrow(() -> new JOSEException("the JDK did not reveal the Ed25519 seed"));
            byte[] spki = pair.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(d))
                    .keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).build();
        } catch (GeneralSecurityException e) {
            throw new JOSEException("cannot generate an Ed25519 key", e);
        }
    }

    private static void checkCurve(OctetKeyPair key) throws JOSEException {
        if (!Curve.Ed25519.equals(key.getCurve())) {
            throw new JOSEException("not an Ed25519 key: " + key.getCurve());
        }
    }

    static final class Signer extends EdDSAProvider implements JWSSigner {
        private final byte[] seed;

        Signer(OctetKeyPair jwk) throws JOSEException {
            checkCurve(jwk);
            if (!jwk.isPrivate()) {
                throw new JOSEException("the Ed25519 key has no private part");
            }
            seed = jwk.getDecodedD();
            if (seed.length != org.bouncycastle.math.ec.rfc8032.Ed25519.SECRET_KEY_SIZE) {
                throw new JOSEException("an Ed25519 private key is 32 bytes");
            }
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("Ed25519 signs EdDSA only, not " + header.getAlgorithm());
            }
            byte[] signature = new byte[org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE];
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, signingInput, 0, signingInput.length, signature, 0);
            return Base64URL.encode(signature);
        }
    }

    static final class Verifier extends EdDSAProvider implements JWSVerifier {
        private final PublicKey key;

        Verifier(OctetKeyPair jwk) throws JOSEException {
            checkCurve(jwk);
            byte[] x = jwk.getDecodedX();
            if (x.length != 32) {
                throw new JOSEException("an Ed25519 public key is 32 bytes");
            }
            byte[] spki = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
            System.arraycopy(x, 0, spki, X509_PREFIX.length, 32);
            try {
                key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException e) {
                throw new JOSEException("invalid Ed25519 public key", e);
            }
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return false;
            }
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(signingInput);
                return s.verify(signature.decode());
            } catch (java.security.SignatureException e) {
                return false;
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 verification failed", e);
            }
        }
    }
}
