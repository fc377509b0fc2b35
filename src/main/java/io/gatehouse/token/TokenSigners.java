package io.gatehouse.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.AlgorithmSupportMessage;
import com.nimbusds.jose.crypto.impl.BaseJWSProvider;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who makes the signature of each access-token key: OpenSSL's libcrypto ({@link LibCrypto}) for RS256 and ES256
 * keys when the node has it, else the JDK (RS256 with reused {@link Signature}s, the others through Nimbus).
 * One signer per key, kept while the key is loaded. A
 * native signer is proven once per key before it is used: its signature of a probe must verify with the
 * JDK and the key's public half, or the key signs through the JDK (and a warning says so).
 */
final class TokenSigners {
    private static final Logger LOG = LoggerFactory.getLogger(TokenSigners.class);
    private static final byte[] PROBE = "gatehouse: libcrypto signs what the JDK verifies".getBytes(StandardCharsets.US_ASCII);

    private final LibCrypto crypto;
    private final ConcurrentHashMap<String, JWSSigner> byKid = new ConcurrentHashMap<>();

    /** {@code crypto} null: every key signs through the JDK. */
    TokenSigners(LibCrypto crypto) {
        this.crypto = crypto;
    }

    /** Who signs keys of this algorithm, for the start-up log. */
    String description(SigningAlgorithm algorithm) {
        if (algorithm == SigningAlgorithm.EdDSA) {
            return "BouncyCastle (EdDSA keys do not go to libcrypto)";
        }
        return crypto == null ? "the JDK" : crypto.description();
    }

    /** The key's signer: libcrypto's where it signs this key, else the JDK's (through Nimbus). */
    JWSSigner of(SigningKeys.Key key) {
        return byKid.computeIfAbsent(key.kid(), kid -> make(key));
    }

    /** The key's libcrypto signer, or null when the JDK signs with it. */
    JWSSigner nativeOf(SigningKeys.Key key) {
        return of(key) instanceof LibCryptoSigner s ? s : null;
    }

    /** Forgets the signers of keys no longer loaded (retired, deleted), so their native keys are freed. */
    void keepOnly(Collection<String> kids) {
        byKid.keySet().retainAll(Set.copyOf(kids));
    }

    private JWSSigner make(SigningKeys.Key key) {
        // Nimbus's signer first: it refuses what no signer should sign with (RSA under 2048 bits), and says
        // which algorithm an EC key's curve is for (a P-384 key is not an ES256 key, whatever its label).
        JWSSigner nimbus = key.signer();
        if (crypto != null && key.algorithm() != SigningAlgorithm.EdDSA && nimbus.supportedJWSAlgorithms().contains(key.algorithm().jws())) {
            try {
                return LibCryptoSigner.of(crypto, key.algorithm(), key.jwk());
            } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
                LOG.warn("Signing key {} signs through the JDK: libcrypto failed its check ({})", key.kid(), e.getMessage());
            }
        }
        if (key.algorithm() == SigningAlgorithm.RS256) {
            try {
                return new JdkRs256Signer(key.jwk().toRSAKey().toPrivateKey()); // with its CRT parameters, as stored
            } catch (JOSEException e) {
                throw new IllegalStateException("signing key " + key.kid() + " cannot sign", e);
            }
        }
        return nimbus;
    }

    private static void checkAlgorithm(JWSSigner signer, JWSHeader header) throws JOSEException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (!signer.supportedJWSAlgorithms().contains(alg)) {
            throw new JOSEException(AlgorithmSupportMessage.unsupportedJWSAlgorithm(alg, signer.supportedJWSAlgorithms()));
        }
    }

    /**
     * RS256 through the JDK with initialised {@link Signature}s of the key, reused: after {@code sign()} a Signature
     * is ready to sign again with the same key, so a token costs no provider lookup and no key set-up (Nimbus's
     * signer makes a new one each time). A Signature is used by one thread at a time: taken from the pool, put back.
     */
    static final class JdkRs256Signer extends BaseJWSProvider implements JWSSigner {
        /** More than the threads that sign at once is waste. */
        private static final int POOLED = 32;
        private final PrivateKey key;
        private final ArrayBlockingQueue<Signature> pool = new ArrayBlockingQueue<>(POOLED);

        JdkRs256Signer(PrivateKey key) {
            super(Set.of(JWSAlgorithm.RS256));
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            checkAlgorithm(this, header);
            try {
                Signature s = pool.poll();
                if (s == null) {
                    s = Signature.getInstance("SHA256withRSA");
                    s.initSign(key);
                }
                s.update(signingInput);
                byte[] signature = s.sign(); // resets s to its state after initSign: reusable
                pool.offer(s);
                return Base64URL.encode(signature);
            } catch (GeneralSecurityException e) {
                throw new JOSEException(e.getMessage(), e);
            }
        }
    }

    /** RS256 or ES256 through libcrypto; ES256's DER signature is turned into JOSE's r||s (RFC 7518 §3.4). */
    static final class LibCryptoSigner extends BaseJWSProvider implements JWSSigner {
        private final SigningAlgorithm algorithm;
        private final LibCrypto.NativeKey key;

        private LibCryptoSigner(SigningAlgorithm algorithm, LibCrypto.NativeKey key) {
            super(Set.of(algorithm.jws()));
            this.algorithm = algorithm;
            this.key = key;
        }

        static LibCryptoSigner of(LibCrypto crypto, SigningAlgorithm algorithm, JWK jwk) throws JOSEException, GeneralSecurityException {
            PrivateKey privateKey;
            PublicKey publicKey;
            String jdkName;
            switch (algorithm) {
                case RS256 -> {
                    privateKey = jwk.toRSAKey().toPrivateKey();
                    publicKey = jwk.toRSAKey().toPublicKey();
                    jdkName = "SHA256withRSA";
                }
                case ES256 -> {
                    privateKey = jwk.toECKey().toPrivateKey();
                    publicKey = jwk.toECKey().toPublicKey();
                    jdkName = "SHA256withECDSA";
                }
                default -> throw new JOSEException("libcrypto does not sign " + algorithm + " here");
            }
            LibCryptoSigner signer = new LibCryptoSigner(algorithm, crypto.privateKey(privateKey));
            Signature check = Signature.getInstance(jdkName);
            check.initVerify(publicKey);
            check.update(PROBE);
            if (!check.verify(signer.key.signSha256(PROBE))) {
                throw new GeneralSecurityException("its signature of a probe did not verify");
            }
            return signer;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            checkAlgorithm(this, header);
            try {
                byte[] signature = key.signSha256(signingInput);
                return Base64URL.encode(algorithm == SigningAlgorithm.ES256 ? ECDSA.transcodeSignatureToConcat(signature, 64) : signature);
            } catch (GeneralSecurityException e) {
                throw new JOSEException(e.getMessage(), e);
            }
        }
    }
}
